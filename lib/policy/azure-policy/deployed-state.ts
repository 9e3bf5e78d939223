/**
 * What Azure Policy sees after deployment that a desired-state manifest does not spell out: the read-only
 * properties Azure fills from other resources of the same program. Without this projection a definition that reads
 * them (built-ins 45e05259 / 40cec1dd count the workspace's `privateEndpointConnections[*]`; DINE 7838fd83 looks for
 * `workspaces/privateEndpointConnections` children) would flag every workspace, private ones included.
 *
 * Projected today: a `Microsoft.Network/privateEndpoints` resource whose `privateLinkServiceConnections` (or
 * `manualPrivateLinkServiceConnections`) target a workspace becomes one entry of that workspace's
 * `properties.privateEndpointConnections` and one `workspaces/privateEndpointConnections` child. A connection listed
 * in `privateLinkServiceConnections` is approved automatically (the deployer owns the workspace); one in
 * `manualPrivateLinkServiceConnections` waits for approval (`Pending`). Source: "Access to a private link resource
 * using approval workflow", learn.microsoft.com/azure/private-link/private-endpoint-overview (automatic vs manual
 * approval); the emulator answers the same way (lib/emulator/rp/network.ts).
 */
import type { Manifest, ManifestResource } from '../../manifest/types.js';

const WORKSPACES = 'microsoft.machinelearningservices/workspaces';
const PE = 'microsoft.network/privateendpoints';
export const WS_PE_CONNECTIONS = 'Microsoft.MachineLearningServices/workspaces/privateEndpointConnections';

/**
 * Read-only body paths (per lower-case type) this module derives completely from the program, so an absent value
 * means Azure will hold none (not "unknown").
 */
export const PROJECTED_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  [WORKSPACES, ['properties', 'privateEndpointConnections']],
]);

/** The manifest as Azure Policy would see it after deployment, plus related resources Azure creates itself. */
export interface DeployedView {
  /** The manifest's resources, with projected read-only properties added to copies of their bodies. */
  readonly resources: readonly ManifestResource[];
  /** Resources Azure creates as a consequence of others (only looked up by AuditIfNotExists / DeployIfNotExists). */
  readonly implied: readonly ManifestResource[];
  /** Body paths (dotted, per resource logicalId) that were projected, for notes. */
  readonly projected: ReadonlyMap<string, readonly string[]>;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

/** Project the read-only state Azure derives from the program. Bodies that already hold the property are kept. */
export function deployedView(manifest: Manifest): DeployedView {
  const byId = new Map<string, ManifestResource>();
  for (const r of manifest.resources)
    if (r.type.toLowerCase() === WORKSPACES && typeof r.id === 'string') byId.set(r.id.toLowerCase(), r);
  const connections = new Map<string, Record<string, unknown>[]>();
  const implied: ManifestResource[] = [];
  for (const pe of manifest.resources) {
    if (pe.type.toLowerCase() !== PE) continue;
    const props = obj(pe.body.properties);
    const conns = [
      ...list(props.privateLinkServiceConnections).map((c) => ({ c, status: 'Approved' })),
      ...list(props.manualPrivateLinkServiceConnections).map((c) => ({ c, status: 'Pending' })),
    ];
    for (const { c, status } of conns) {
      const target = obj(c.properties).privateLinkServiceId;
      if (typeof target !== 'string') continue;
      const ws = byId.get(target.toLowerCase());
      if (!ws) continue;
      const name = `${pe.name}.${typeof c.name === 'string' ? c.name : 'connection'}`;
      const properties = {
        privateEndpoint: { id: pe.id },
        privateLinkServiceConnectionState: { status, description: status === 'Approved' ? 'Auto-Approved' : '' },
      };
      let arr = connections.get(ws.logicalId);
      if (!arr) connections.set(ws.logicalId, (arr = []));
      arr.push({ id: `${ws.id}/privateEndpointConnections/${name}`, name, properties });
      implied.push({
        logicalId: `${ws.logicalId}/(privateEndpointConnection ${name})`,
        type: WS_PE_CONNECTIONS,
        apiVersion: ws.apiVersion,
        id: `${ws.id}/privateEndpointConnections/${name}`,
        name,
        body: { properties },
        dependsOn: [pe.logicalId],
        options: { protect: false, deletePolicy: 'Retain' },
      });
    }
  }
  const projected = new Map<string, readonly string[]>();
  const resources = manifest.resources.map((r) => {
    const conns = connections.get(r.logicalId);
    const props = obj(r.body.properties);
    if (!conns || Array.isArray(props.privateEndpointConnections)) return r;
    projected.set(r.logicalId, ['properties.privateEndpointConnections']);
    return { ...r, body: { ...r.body, properties: { ...props, privateEndpointConnections: conns } } };
  });
  return { resources, implied, projected };
}
