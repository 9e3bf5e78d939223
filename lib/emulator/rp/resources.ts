/** Microsoft.Resources resource groups: synchronous PUT, asynchronous DELETE that removes everything inside. */
import { conflict } from '../errors.js';
import type { ResourceType } from '../engine.js';
import { clone, region, type Json } from './common.js';

export const resourceGroups: ResourceType = {
  type: 'Microsoft.Resources/resourceGroups',
  tracked: true,
  lro: true,
  name: {
    re: /^[-\w.()]{0,89}[-\w()]$/u,
    allowed: '1-90 characters: letters, digits, underscores, hyphens, periods and parentheses, not ending in a period',
  },
  put(input) {
    const loc = region(input.body.location);
    if (input.existing && region(input.existing.body.location) !== loc) {
      throw conflict(
        'InvalidResourceGroupLocation',
        `Invalid resource group location '${loc}'. The Resource group already exists in location '${String(input.existing.body.location)}'.`,
        'location',
      );
    }
    const body: Json = {
      id: input.id,
      name: input.name,
      type: 'Microsoft.Resources/resourceGroups',
      location: loc,
      ...(input.body.managedBy !== undefined ? { managedBy: input.body.managedBy } : {}),
      tags: clone(input.body.tags ?? {}),
      properties: { provisioningState: 'Succeeded' },
    };
    return { body, sync: true, location: loc };
  },
};
