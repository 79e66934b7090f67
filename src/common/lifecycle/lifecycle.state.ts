import { Injectable } from '@nestjs/common';

/** Set when SIGTERM starts draining, so /health/ready turns 503 and the load balancer moves on. */
@Injectable()
export class LifecycleState {
  draining = false;
}
