import { USER_ROLES } from '../../src/common/auth/roles';
import { validateInput } from '../../src/common/http/validate-input';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto } from '../../src/users/dto/user.dto';
import { UserEntity } from '../../src/users/entities/user.entity';
import { USER_RULES } from '../../src/users/users.rules';
import type { UsersService } from '../../src/users/users.service';
import { adminOnly, currentPanelAdmin, readOnlyActions } from '../access';
import type { ResourceWithOptions } from '../adminjs-types';
import type { PanelComponents } from '../components';
import { DomainException } from '../../src/common/errors/domain.exception';
import { bool, guarded, recordAction, reloaded, showUrl, text } from '../handlers';

const roles = USER_ROLES.map((r) => ({ value: r, label: r }));

/** Staff, admins and API users. Admins only; passwords go through UsersService (scrypt). */
export function usersResource(
  users: UsersService,
  components: PanelComponents,
): ResourceWithOptions {
  return {
    resource: UserEntity,
    options: {
      id: 'users',
      navigation: { name: 'Administration', icon: 'Users' },
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['email', 'name', 'role', 'isActive', 'createdAt'],
      filterProperties: ['email', 'name', 'role', 'isActive', 'createdAt'],
      showProperties: ['id', 'email', 'name', 'role', 'isActive', 'createdAt', 'updatedAt'],
      editProperties: ['name', 'role', 'isActive'],
      properties: {
        passwordHash: { isVisible: false },
        role: { availableValues: roles },
      },
      actions: {
        // Edit is replaced below by the service's own update (validated, sessions kept).
        ...readOnlyActions(adminOnly),
        newUser: {
          actionType: 'resource',
          icon: 'Plus',
          variant: 'primary',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro: 'Leave the password empty to generate one; it is shown once.',
            submitLabel: 'Create user',
            secretLabel: 'Generated password',
            fields: [
              { name: 'email', label: 'Email', type: 'email', required: true },
              { name: 'name', label: 'Name', type: 'text' },
              { name: 'role', label: 'Role', type: 'select', options: USER_ROLES, value: 'staff' },
              {
                name: 'password',
                label: `Password (${USER_RULES.password.minLength}+ characters, optional)`,
                type: 'password',
              },
            ],
          },
          handler: guarded(async (request, _response, context) => {
            if (request.method !== 'post') return {};
            const p = request.payload;
            const dto = await validateInput(CreateUserDto, {
              email: text(p, 'email') ?? '',
              name: text(p, 'name'),
              role: text(p, 'role') ?? 'staff',
              password: text(p, 'password') || undefined,
            });
            const { user, generatedPassword } = await users.create(dto);
            return {
              record: await reloaded(context, user.id),
              redirectUrl: generatedPassword ? undefined : showUrl(context, user.id),
              secret: generatedPassword,
              notice: { message: `User ${user.email} created`, type: 'success' },
            };
          }),
        },
        edit: {
          isAccessible: adminOnly,
          handler: recordAction(async (record, request, context) => {
            const id = String(record.id());
            const p = request.payload;
            const patch = await validateInput(UpdateUserDto, {
              name: text(p, 'name'),
              role: text(p, 'role'),
              isActive: bool(p, 'isActive'),
            });
            const { role, isActive } = patch;
            if (
              id === currentPanelAdmin(context).id &&
              (isActive === false || (role && role !== 'admin'))
            ) {
              throw new DomainException('CONFLICT', 'You cannot deactivate or demote yourself');
            }
            await users.update(id, patch);
            return {
              record: await reloaded(context, id),
              redirectUrl: showUrl(context, id),
              notice: { message: 'User updated', type: 'success' },
            };
          }),
        },
        deactivate: {
          actionType: 'record',
          icon: 'Slash',
          variant: 'danger',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro: 'The user can no longer log in; open sessions stop working at once.',
            submitLabel: 'Deactivate user',
            variant: 'danger',
          },
          handler: recordAction(async (record, request, context) => {
            const id = String(record.id());
            if (id === currentPanelAdmin(context).id) {
              throw new DomainException('CONFLICT', 'You cannot deactivate yourself');
            }
            await users.update(id, { isActive: false });
            return {
              record: await reloaded(context, id),
              redirectUrl: showUrl(context, id),
              notice: { message: 'User deactivated', type: 'success' },
            };
          }),
        },
        resetPassword: {
          actionType: 'record',
          icon: 'Lock',
          isAccessible: adminOnly,
          component: components.ActionForm,
          custom: {
            intro: 'Leave empty to generate a password; it is shown once.',
            submitLabel: 'Set password',
            secretLabel: 'New password',
            fields: [{ name: 'password', label: 'New password (optional)', type: 'password' }],
          },
          handler: recordAction(async (record, request, context) => {
            const dto = await validateInput(ResetPasswordDto, {
              password: text(request.payload, 'password') || undefined,
            });
            const { generatedPassword } = await users.resetPassword(String(record.id()), dto);
            return {
              record: record.toJSON(context.currentAdmin),
              secret: generatedPassword,
              notice: { message: 'Password changed', type: 'success' },
            };
          }),
        },
      },
    },
  };
}
