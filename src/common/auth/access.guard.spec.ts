import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ModuleRef } from '@nestjs/core';
import { DomainException } from '../errors/domain.exception';
import { AccessGuard } from './access.guard';
import { Auth, Public } from './auth.decorator';
import type { Principal } from './principal';

@Controller()
class SampleController {
  @Get() undeclared() {}
  @Public() @Get() open() {}
  @Auth('staff') @Get() staffOnly() {}
}

function contextFor(handler: keyof SampleController, principal?: Principal) {
  const req = { principal, headers: {} };
  return {
    getType: () => 'http',
    getHandler: () => SampleController.prototype[handler],
    getClass: () => SampleController,
    switchToHttp: () => ({ getRequest: () => req }),
  } as never;
}

describe(AccessGuard.name, () => {
  const passThrough = { canActivate: async () => true };
  const sut = new AccessGuard(new Reflector(), { get: () => passThrough } as unknown as ModuleRef);
  const user = (role: 'admin' | 'staff' | 'user'): Principal => ({
    kind: 'user',
    user: { id: 'u', email: 'e', name: 'n', role, sessionId: 's' },
  });

  it('denies a route that declares no policy', async () => {
    await expect(sut.canActivate(contextFor('undeclared', user('admin')))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('lets @Public() routes through without credentials', async () => {
    await expect(sut.canActivate(contextFor('open'))).resolves.toBe(true);
  });

  it('ranks roles: admin and staff pass a staff route, user does not', async () => {
    await expect(sut.canActivate(contextFor('staffOnly', user('admin')))).resolves.toBe(true);
    await expect(sut.canActivate(contextFor('staffOnly', user('staff')))).resolves.toBe(true);
    await expect(sut.canActivate(contextFor('staffOnly', user('user')))).rejects.toBeInstanceOf(
      DomainException,
    );
  });
});
