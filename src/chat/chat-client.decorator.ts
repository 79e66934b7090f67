import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { readBearer } from '../common/auth/bearer-token';
import type { AppRequest } from '../common/auth/principal';
import type { ChatCredentials } from './chat-access.service';

/** The credentials and client IP of a chat request (checked by ChatAccessService). */
export const ChatClient = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ChatCredentials => {
    const req = ctx.switchToHttp().getRequest<AppRequest>();
    const chatToken = req.headers['x-chat-token'];
    return {
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      bearer: readBearer(req),
      chatToken: Array.isArray(chatToken) ? chatToken[0] : chatToken,
    };
  },
);
