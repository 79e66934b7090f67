import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AppRequest } from '../common/auth/principal';
import { DomainException } from '../common/errors/domain.exception';
import {
  GPT_ACTION_METADATA,
  type GptActionOptions,
  PERSON_REQUIRED_MESSAGE,
} from '../gpt-schema/gpt-action.decorator';

/** Who a timesheet action acts as: the signed-in person, through which assistant. */
export interface TimesheetPerson {
  userId: string;
  clientId: string;
}

/**
 * The person an `@Auth('assistant')` timesheet route acts for: an OAuth token's person, with
 * the scope its `@GptAction()` names (the MCP server checks it before the call; over REST this
 * is the check). A GPT key has no person: FORBIDDEN with a message to relay.
 */
export const CurrentPerson = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): TimesheetPerson => {
    const principal = ctx.switchToHttp().getRequest<AppRequest>().principal;
    if (principal?.kind !== 'oauth')
      throw new DomainException('FORBIDDEN', PERSON_REQUIRED_MESSAGE);
    const action = Reflect.getMetadata(GPT_ACTION_METADATA, ctx.getHandler()) as
      GptActionOptions | undefined;
    if (action?.scope && !principal.scopes.includes(action.scope)) {
      throw new DomainException(
        'INSUFFICIENT_SCOPE',
        `This assistant was not allowed to do this: ask again for the ${action.scope} permission`,
      );
    }
    return { userId: principal.user.id, clientId: principal.clientId };
  },
);
