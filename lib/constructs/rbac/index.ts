/** RBAC: Principal, RoleAssignment with deterministic GUID names, and the grant() helper. */
export * from './principal.js';
export * from './role-assignment.js';
export * from './scope.js';
export * from './identity.js';
