/** Shared fixtures for construct tests (not a test file). */
import { App, Principal, Stack, Workspace, type WorkspaceProps } from '../../lib/index.js';

export const SUB = '00000000-0000-0000-0000-000000000000';
export const TENANT = '11111111-1111-1111-1111-111111111111';
export const ALICE = '22222222-2222-2222-2222-222222222222';
export const BOB = '33333333-3333-3333-3333-333333333333';
export const CAROL = '44444444-4444-4444-4444-444444444444';
export const GROUP = '55555555-5555-5555-5555-555555555555';
export const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcmB3n0oQ8gM5mX1m5wq0wJ0n3k7y8c2w8u3v9a3b4c alice@laptop';
export const COMPUTES = 'Microsoft.MachineLearningServices/workspaces/computes';

export function setup(
  wsProps: WorkspaceProps = {},
  location = 'westeurope',
): { app: App; stack: Stack; ws: Workspace } {
  const app = new App();
  const stack = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg-ml', location });
  const ws = new Workspace(stack, 'Ws', { tenantId: TENANT, ...wsProps });
  return { app, stack, ws };
}

export const alice = (): Principal => Principal.user(ALICE, { tenantId: TENANT, displayName: 'alice' });
export const bob = (): Principal => Principal.user(BOB, { tenantId: TENANT, displayName: 'bob' });
export const carol = (): Principal => Principal.user(CAROL, { tenantId: TENANT, displayName: 'carol' });
