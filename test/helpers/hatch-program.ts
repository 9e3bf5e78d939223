/**
 * The escape-hatch program the manifest, reconciler and Pulumi tests share: stack `Hatch` (resource group
 * `rg-hatch`) with a workspace whose unmodeled `allowPublicAccessWhenBehindVnet` is set by `addPropertyOverride`,
 * and a route table (optionally with one route) as `GenericResource`s, a type amlcdk does not model.
 */
import { App, GenericResource, Stack, Workspace } from '../../lib/index.js';

export const HATCH_SUB = '00000000-0000-0000-0000-000000000000';
export const HATCH_ROUTE_TABLE_ID = `/subscriptions/${HATCH_SUB}/resourceGroups/rg-hatch/providers/Microsoft.Network/routeTables/rt-ml`;

export function hatchProgram(options: { readonly route?: boolean } = {}): {
  app: App;
  stack: Stack;
  ws: Workspace;
  routeTable: GenericResource;
} {
  const app = new App();
  const stack = new Stack(app, 'Hatch', {
    subscriptionId: HATCH_SUB,
    resourceGroup: 'rg-hatch',
    location: 'westeurope',
  });
  const ws = new Workspace(stack, 'Ws', { tenantId: '11111111-1111-1111-1111-111111111111' });
  ws.addPropertyOverride('properties.allowPublicAccessWhenBehindVnet', true);
  const routeTable = new GenericResource(stack, 'Routes', {
    type: 'Microsoft.Network/routeTables',
    apiVersion: '2024-05-01',
    name: 'rt-ml',
    body: { location: 'westeurope', properties: { disableBgpRoutePropagation: true } },
  });
  if (options.route) {
    new GenericResource(stack, 'Route', {
      type: 'Microsoft.Network/routeTables/routes',
      apiVersion: '2024-05-01',
      name: 'default',
      parent: routeTable,
      body: { properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' } },
    });
  }
  return { app, stack, ws, routeTable };
}
