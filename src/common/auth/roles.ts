/** The roles a Passerelle user can hold (users.role); the access guard's policies name them. */
export const USER_ROLES = ['admin', 'staff', 'user'] as const;
export type UserRole = (typeof USER_ROLES)[number];
