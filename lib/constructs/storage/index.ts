/** Storage: FileShare and FileShareMount (identity-based AzureFile datastore), WorkspaceDefaultFileShare (the notebook directory). */
export * from './file-share.js';
export * from './file-share-mount.js';
