/**
 * JSON Schemas (draft-07) of the ARM PUT bodies a manifest can contain, one per ARM type, written from the
 * Azure REST specs (azure-rest-api-specs: machineLearningServices.json / workspaceRP.json stable 2025-09-01 plus
 * the 2025-12-01 additions `idleTimeBeforeShutdown`, `enableSSO`; Microsoft.Storage, KeyVault, Insights,
 * OperationalInsights, ContainerRegistry, ManagedIdentity, Network, Authorization, Resources).
 *
 * Closed (`additionalProperties: false`) where the service rejects or silently drops unknown members, so a typo in
 * a construct is caught at synth, not at deploy. Secret fields accept a `SecretRef` object instead of a string.
 */
type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const nonEmpty: Schema = { type: 'string', minLength: 1 };
const bool: Schema = { type: 'boolean' };
const int32: Schema = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
const guid: Schema = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
};
const armId: Schema = { type: 'string', pattern: '^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/.+' };
const location: Schema = { type: 'string', pattern: '^[a-z][a-z0-9]{2,39}$' };
const tags: Schema = { type: 'object', additionalProperties: { type: 'string', maxLength: 256 }, maxProperties: 50 };
const isoDuration: Schema = {
  type: 'string',
  pattern: '^P(?!$)(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$',
};
export const secretRef: Schema = {
  type: 'object',
  required: ['secretRef'],
  additionalProperties: false,
  properties: {
    secretRef: {
      type: 'string',
      pattern: '^(env:[A-Za-z_][A-Za-z0-9_]*|keyvault:[A-Za-z0-9-]{3,24}/[A-Za-z0-9-]{1,127})$',
    },
  },
};
const resourceIdObj: Schema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: armId },
};

const identity: Schema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { enum: ['None', 'SystemAssigned', 'UserAssigned', 'SystemAssigned,UserAssigned'] },
    userAssignedIdentities: {
      type: 'object',
      propertyNames: {
        pattern: '^/subscriptions/.+/providers/Microsoft.ManagedIdentity/userAssignedIdentities/[^/]+$',
      },
      additionalProperties: { type: 'object', maxProperties: 0 },
    },
  },
};
const sku: Schema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: nonEmpty,
    tier: { enum: ['Free', 'Basic', 'Standard', 'Premium'] },
    size: str,
    family: str,
    capacity: { type: 'integer' },
  },
};

const scriptReference: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scriptSource: { enum: ['workspace', 'inline', 'http'] },
    scriptData: nonEmpty,
    scriptArguments: str,
    timeout: { type: 'string', pattern: '^\\d+(\\.\\d+)?m$' },
  },
};

const startStopSchedule: Schema = {
  type: 'object',
  required: ['action', 'triggerType'],
  additionalProperties: false,
  properties: {
    status: { enum: ['Enabled', 'Disabled'] },
    action: { enum: ['Start', 'Stop'] },
    triggerType: { enum: ['Recurrence', 'Cron'] },
    cron: {
      type: 'object',
      required: ['expression'],
      additionalProperties: false,
      properties: { expression: nonEmpty, startTime: str, timeZone: str },
    },
    recurrence: {
      type: 'object',
      additionalProperties: false,
      properties: {
        frequency: { enum: ['Minute', 'Hour', 'Day', 'Week', 'Month'] },
        interval: int32,
        startTime: str,
        timeZone: str,
        schedule: {
          type: 'object',
          required: ['hours', 'minutes'],
          additionalProperties: false,
          properties: {
            hours: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 23 } },
            minutes: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 59 } },
            weekDays: {
              type: 'array',
              items: { enum: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] },
            },
            monthDays: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 31 } },
          },
        },
      },
    },
  },
};

const customService: Schema = {
  type: 'object',
  required: ['name', 'image'],
  additionalProperties: true,
  properties: {
    name: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9-]{0,31}$' },
    image: {
      type: 'object',
      required: ['reference'],
      properties: { type: { enum: ['docker', 'azureml'] }, reference: nonEmpty, version: str },
    },
    environmentVariables: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['value'],
        properties: { type: { enum: ['local'] }, value: str },
      },
    },
    docker: { type: 'object', properties: { privileged: bool } },
    endpoints: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'target'],
        additionalProperties: false,
        properties: {
          name: nonEmpty,
          protocol: { enum: ['tcp', 'udp', 'http'] },
          target: { type: 'integer', minimum: 1, maximum: 65535 },
          published: { type: 'integer', minimum: 1, maximum: 65535 },
          hostIp: str,
        },
      },
    },
    volumes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'target'],
        additionalProperties: false,
        properties: {
          type: { enum: ['bind', 'volume', 'tmpfs', 'npipe'] },
          readOnly: bool,
          source: str,
          target: nonEmpty,
          consistency: str,
          bind: { type: 'object' },
          volume: { type: 'object' },
          tmpfs: { type: 'object' },
        },
      },
    },
  },
};

const computeInstanceProps: Schema = {
  type: 'object',
  required: ['vmSize'],
  additionalProperties: false,
  properties: {
    vmSize: nonEmpty,
    subnet: resourceIdObj,
    applicationSharingPolicy: { enum: ['Personal', 'Shared'] },
    sshSettings: {
      type: 'object',
      required: ['sshPublicAccess'],
      additionalProperties: false,
      properties: {
        sshPublicAccess: { enum: ['Enabled', 'Disabled'] },
        adminPublicKey: {
          type: 'string',
          pattern: '^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$',
        },
      },
    },
    computeInstanceAuthorizationType: { enum: ['personal'] },
    personalComputeInstanceSettings: {
      type: 'object',
      required: ['assignedUser'],
      additionalProperties: false,
      properties: {
        assignedUser: {
          type: 'object',
          required: ['objectId', 'tenantId'],
          additionalProperties: false,
          properties: { objectId: guid, tenantId: guid },
        },
      },
    },
    enableNodePublicIp: bool,
    setupScripts: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scripts: {
          type: 'object',
          additionalProperties: false,
          properties: { creationScript: scriptReference, startupScript: scriptReference },
        },
      },
    },
    schedules: {
      type: 'object',
      additionalProperties: false,
      properties: { computeStartStop: { type: 'array', maxItems: 4, items: startStopSchedule } },
    },
    customServices: { type: 'array', items: customService },
    enableSSO: bool,
    idleTimeBeforeShutdown: isoDuration,
    enableRootAccess: bool,
    enableOSPatching: bool,
    releaseQuotaOnStop: bool,
  },
};

const amlComputeProps: Schema = {
  type: 'object',
  required: ['vmSize', 'scaleSettings'],
  additionalProperties: false,
  properties: {
    vmSize: nonEmpty,
    vmPriority: { enum: ['Dedicated', 'LowPriority'] },
    osType: { enum: ['Linux', 'Windows'] },
    virtualMachineImage: resourceIdObj,
    isolatedNetwork: bool,
    scaleSettings: {
      type: 'object',
      required: ['maxNodeCount'],
      additionalProperties: false,
      properties: {
        maxNodeCount: { type: 'integer', minimum: 0, maximum: 2147483647 },
        minNodeCount: { type: 'integer', minimum: 0, maximum: 2147483647 },
        nodeIdleTimeBeforeScaleDown: isoDuration,
      },
    },
    userAccountCredentials: {
      type: 'object',
      required: ['adminUserName'],
      additionalProperties: false,
      properties: { adminUserName: nonEmpty, adminUserSshPublicKey: str, adminUserPassword: secretRef },
    },
    subnet: resourceIdObj,
    remoteLoginPortPublicAccess: { enum: ['Enabled', 'Disabled', 'NotSpecified'] },
    enableNodePublicIp: bool,
    propertyBag: { type: 'object' },
  },
};

const adminAccount: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { username: nonEmpty, password: secretRef, publicKeyData: str, privateKeyData: secretRef },
};

const kubernetesProps: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' },
    defaultInstanceType: str,
    instanceTypes: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          nodeSelector: { type: 'object', additionalProperties: str },
          resources: {
            type: 'object',
            additionalProperties: false,
            properties: {
              requests: { type: 'object', additionalProperties: str },
              limits: { type: 'object', additionalProperties: str },
            },
          },
        },
      },
    },
    extensionInstanceReleaseTrain: str,
    extensionPrincipalId: str,
    vcName: str,
    relayConnectionString: secretRef,
    serviceBusConnectionString: secretRef,
  },
};

function attached(computeType: string, props?: Schema): Schema {
  return {
    type: 'object',
    required: ['computeType', 'resourceId'],
    additionalProperties: false,
    properties: {
      computeType: { const: computeType },
      description: str,
      disableLocalAuth: bool,
      resourceId: armId,
      ...(props ? { properties: props } : {}),
    },
  };
}

const managedCompute = (computeType: string, props: Schema): Schema => ({
  type: 'object',
  required: ['computeType', 'properties'],
  additionalProperties: false,
  properties: {
    computeType: { const: computeType },
    description: str,
    disableLocalAuth: bool,
    computeLocation: location,
    properties: props,
  },
});

const computeBody: Schema = {
  type: 'object',
  required: ['properties'],
  additionalProperties: false,
  properties: {
    location,
    tags,
    identity,
    sku,
    properties: {
      type: 'object',
      required: ['computeType'],
      properties: {
        computeType: {
          enum: [
            'AKS',
            'Kubernetes',
            'AmlCompute',
            'ComputeInstance',
            'DataFactory',
            'VirtualMachine',
            'HDInsight',
            'Databricks',
            'DataLakeAnalytics',
            'SynapseSpark',
          ],
        },
      },
      // Discriminated on computeType (case-sensitive, as the service is).
      allOf: [
        {
          if: { properties: { computeType: { const: 'ComputeInstance' } } },
          then: managedCompute('ComputeInstance', computeInstanceProps),
        },
        {
          if: { properties: { computeType: { const: 'AmlCompute' } } },
          then: managedCompute('AmlCompute', amlComputeProps),
        },
        { if: { properties: { computeType: { const: 'Kubernetes' } } }, then: attached('Kubernetes', kubernetesProps) },
        {
          if: { properties: { computeType: { const: 'VirtualMachine' } } },
          then: attached('VirtualMachine', {
            type: 'object',
            additionalProperties: false,
            properties: {
              virtualMachineSize: str,
              sshPort: { type: 'integer', minimum: 1, maximum: 65535 },
              notebookServerPort: { type: 'integer', minimum: 1, maximum: 65535 },
              address: str,
              administratorAccount: adminAccount,
              isNotebookInstanceCompute: bool,
            },
          }),
        },
        {
          if: { properties: { computeType: { const: 'HDInsight' } } },
          then: attached('HDInsight', {
            type: 'object',
            additionalProperties: false,
            properties: {
              sshPort: { type: 'integer', minimum: 1, maximum: 65535 },
              address: str,
              administratorAccount: adminAccount,
            },
          }),
        },
        {
          if: { properties: { computeType: { const: 'Databricks' } } },
          then: attached('Databricks', {
            type: 'object',
            additionalProperties: false,
            properties: { databricksAccessToken: secretRef, workspaceUrl: str },
          }),
        },
        {
          if: { properties: { computeType: { const: 'SynapseSpark' } } },
          then: attached('SynapseSpark', {
            type: 'object',
            additionalProperties: false,
            properties: {
              autoScaleProperties: {
                type: 'object',
                additionalProperties: false,
                properties: { enabled: bool, minNodeCount: int32, maxNodeCount: int32 },
              },
              autoPauseProperties: {
                type: 'object',
                additionalProperties: false,
                properties: { enabled: bool, delayInMinutes: int32 },
              },
              sparkVersion: str,
              nodeCount: int32,
              nodeSize: str,
              nodeSizeFamily: str,
              subscriptionId: str,
              resourceGroup: str,
              workspaceName: str,
              poolName: str,
            },
          }),
        },
        { if: { properties: { computeType: { const: 'DataFactory' } } }, then: attached('DataFactory') },
        {
          if: { properties: { computeType: { const: 'DataLakeAnalytics' } } },
          then: attached('DataLakeAnalytics', {
            type: 'object',
            additionalProperties: false,
            properties: { dataLakeStoreAccountName: str },
          }),
        },
      ],
    },
  },
};

const workspaceBody: Schema = {
  type: 'object',
  required: ['location', 'properties'],
  additionalProperties: false,
  properties: {
    location,
    tags,
    identity,
    sku,
    kind: { enum: ['Default', 'Project', 'Hub', 'FeatureStore'] },
    properties: {
      type: 'object',
      additionalProperties: false,
      properties: {
        friendlyName: str,
        description: str,
        storageAccount: armId,
        keyVault: armId,
        applicationInsights: armId,
        containerRegistry: armId,
        hbiWorkspace: bool,
        publicNetworkAccess: { enum: ['Enabled', 'Disabled'] },
        allowPublicAccessWhenBehindVnet: bool,
        managedNetwork: {
          type: 'object',
          additionalProperties: false,
          properties: {
            isolationMode: { enum: ['Disabled', 'AllowInternetOutbound', 'AllowOnlyApprovedOutbound'] },
            outboundRules: { type: 'object' },
            firewallSku: { enum: ['Basic', 'Standard'] },
            managedNetworkKind: { enum: ['V1', 'V2'] },
          },
        },
        provisionNetworkNow: bool,
        encryption: {
          type: 'object',
          required: ['status', 'keyVaultProperties'],
          additionalProperties: false,
          properties: {
            status: { enum: ['Enabled', 'Disabled'] },
            keyVaultProperties: {
              type: 'object',
              required: ['keyVaultArmId', 'keyIdentifier'],
              additionalProperties: false,
              properties: {
                keyVaultArmId: armId,
                keyIdentifier: { type: 'string', pattern: '^https://' },
                identityClientId: str,
              },
            },
            identity: { type: 'object', additionalProperties: false, properties: { userAssignedIdentity: armId } },
          },
        },
        enableServiceSideCMKEncryption: bool,
        primaryUserAssignedIdentity: armId,
        v1LegacyMode: bool,
        systemDatastoresAuthMode: { enum: ['AccessKey', 'Identity', 'UserDelegationSAS'] },
        imageBuildCompute: str,
        enableDataIsolation: bool,
        softDeleteRetentionInDays: { type: 'integer', minimum: 1, maximum: 14 },
        serverlessComputeSettings: { type: 'object' },
      },
    },
  },
};

const datastoreBody: Schema = {
  type: 'object',
  required: ['properties'],
  additionalProperties: false,
  properties: {
    properties: {
      type: 'object',
      required: ['datastoreType', 'credentials'],
      properties: {
        datastoreType: { enum: ['AzureFile', 'AzureBlob', 'AzureDataLakeGen2', 'AzureDataLakeGen1', 'OneLake'] },
        accountName: nonEmpty,
        fileShareName: nonEmpty,
        containerName: nonEmpty,
        endpoint: str,
        protocol: str,
        resourceGroup: str,
        subscriptionId: str,
        description: str,
        tags,
        properties: { type: 'object', additionalProperties: str },
        serviceDataAccessAuthIdentity: {
          enum: ['None', 'WorkspaceSystemAssignedIdentity', 'WorkspaceUserAssignedIdentity'],
        },
        credentials: {
          type: 'object',
          required: ['credentialsType'],
          properties: {
            credentialsType: { enum: ['AccountKey', 'Certificate', 'None', 'Sas', 'ServicePrincipal'] },
            secrets: { type: 'object' },
          },
        },
      },
      allOf: [
        {
          if: { properties: { datastoreType: { const: 'AzureFile' } } },
          then: { required: ['accountName', 'fileShareName'] },
        },
        {
          if: { properties: { datastoreType: { const: 'AzureBlob' } } },
          then: { required: ['accountName', 'containerName'] },
        },
      ],
    },
  },
};

const tracked = (props: Schema, extra: Record<string, Schema> = {}, required: string[] = ['location']): Schema => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties: { location, tags, identity, ...extra, properties: props },
});

const storageAccountBody = tracked(
  {
    type: 'object',
    properties: {
      minimumTlsVersion: { enum: ['TLS1_2', 'TLS1_3'] },
      allowBlobPublicAccess: bool,
      allowSharedKeyAccess: bool,
      supportsHttpsTrafficOnly: bool,
      publicNetworkAccess: { enum: ['Enabled', 'Disabled', 'SecuredByPerimeter'] },
      isHnsEnabled: bool,
      accessTier: { enum: ['Hot', 'Cool', 'Cold', 'Premium'] },
      networkAcls: { type: 'object' },
      encryption: { type: 'object' },
      largeFileSharesState: { enum: ['Enabled', 'Disabled'] },
    },
  },
  {
    sku: {
      type: 'object',
      required: ['name'],
      properties: {
        name: {
          enum: [
            'Standard_LRS',
            'Standard_GRS',
            'Standard_RAGRS',
            'Standard_ZRS',
            'Premium_LRS',
            'Premium_ZRS',
            'Standard_GZRS',
            'Standard_RAGZRS',
          ],
        },
      },
    },
    kind: { enum: ['StorageV2', 'Storage', 'BlobStorage', 'FileStorage', 'BlockBlobStorage'] },
  },
  ['location', 'sku', 'kind'],
);

const keyVaultBody = tracked({
  type: 'object',
  required: ['tenantId', 'sku'],
  properties: {
    tenantId: guid,
    sku: {
      type: 'object',
      required: ['family', 'name'],
      properties: { family: { const: 'A' }, name: { enum: ['standard', 'premium'] } },
    },
    enableRbacAuthorization: bool,
    enableSoftDelete: bool,
    softDeleteRetentionInDays: { type: 'integer', minimum: 7, maximum: 90 },
    enablePurgeProtection: { const: true },
    publicNetworkAccess: { enum: ['Enabled', 'Disabled'] },
    networkAcls: { type: 'object' },
    accessPolicies: { type: 'array' },
  },
});

const logAnalyticsBody = tracked({
  type: 'object',
  properties: {
    sku: { type: 'object', required: ['name'] },
    retentionInDays: { type: 'integer', minimum: 30, maximum: 730 },
    publicNetworkAccessForIngestion: { enum: ['Enabled', 'Disabled'] },
    publicNetworkAccessForQuery: { enum: ['Enabled', 'Disabled'] },
  },
});

const appInsightsBody = tracked(
  {
    type: 'object',
    required: ['Application_Type'],
    properties: {
      Application_Type: { enum: ['web', 'other'] },
      WorkspaceResourceId: armId,
      IngestionMode: { enum: ['LogAnalytics', 'ApplicationInsights'] },
      publicNetworkAccessForIngestion: { enum: ['Enabled', 'Disabled'] },
      publicNetworkAccessForQuery: { enum: ['Enabled', 'Disabled'] },
      DisableLocalAuth: bool,
    },
  },
  { kind: str },
  ['location', 'kind', 'properties'],
);

const registryBody = tracked(
  {
    type: 'object',
    properties: {
      adminUserEnabled: bool,
      publicNetworkAccess: { enum: ['Enabled', 'Disabled'] },
      anonymousPullEnabled: bool,
      zoneRedundancy: { enum: ['Enabled', 'Disabled'] },
      networkRuleBypassOptions: { enum: ['AzureServices', 'None'] },
      networkRuleSet: { type: 'object' },
      policies: { type: 'object' },
    },
  },
  { sku: { type: 'object', required: ['name'], properties: { name: { enum: ['Basic', 'Standard', 'Premium'] } } } },
  ['location', 'sku'],
);

const identityBody: Schema = {
  type: 'object',
  required: ['location'],
  additionalProperties: false,
  properties: { location, tags },
};
const resourceGroupBody: Schema = {
  type: 'object',
  required: ['location'],
  additionalProperties: false,
  properties: { location, tags },
};

const roleAssignmentBody: Schema = {
  type: 'object',
  required: ['properties'],
  additionalProperties: false,
  properties: {
    properties: {
      type: 'object',
      required: ['roleDefinitionId', 'principalId'],
      additionalProperties: false,
      properties: {
        roleDefinitionId: {
          type: 'string',
          pattern: '^/subscriptions/[^/]+/providers/Microsoft.Authorization/roleDefinitions/[0-9a-fA-F-]{36}$',
        },
        principalId: guid,
        principalType: { enum: ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'] },
        description: str,
        condition: str,
        conditionVersion: { enum: ['2.0'] },
        delegatedManagedIdentityResourceId: armId,
      },
    },
  },
};

const cidr: Schema = { type: 'string', pattern: '^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$' };
const subnetProps: Schema = {
  type: 'object',
  properties: {
    addressPrefix: cidr,
    addressPrefixes: { type: 'array', items: cidr },
    networkSecurityGroup: resourceIdObj,
    delegations: { type: 'array' },
    privateEndpointNetworkPolicies: {
      enum: ['Disabled', 'Enabled', 'NetworkSecurityGroupEnabled', 'RouteTableEnabled'],
    },
    privateLinkServiceNetworkPolicies: { enum: ['Disabled', 'Enabled'] },
    serviceEndpoints: { type: 'array' },
    defaultOutboundAccess: bool,
    routeTable: resourceIdObj,
    natGateway: resourceIdObj,
  },
};

/** Body schema per ARM type (case-insensitive lookup). Types without an entry are checked only as objects. */
export const BODY_SCHEMAS: Readonly<Record<string, Schema>> = {
  'microsoft.machinelearningservices/workspaces': workspaceBody,
  'microsoft.machinelearningservices/workspaces/computes': computeBody,
  'microsoft.machinelearningservices/workspaces/datastores': datastoreBody,
  'microsoft.storage/storageaccounts': storageAccountBody,
  'microsoft.storage/storageaccounts/fileservices/shares': {
    type: 'object',
    required: ['properties'],
    additionalProperties: false,
    properties: {
      properties: {
        type: 'object',
        properties: {
          shareQuota: { type: 'integer', minimum: 1, maximum: 102400 },
          accessTier: { enum: ['TransactionOptimized', 'Hot', 'Cool', 'Premium'] },
          enabledProtocols: { enum: ['SMB', 'NFS'] },
          rootSquash: { enum: ['NoRootSquash', 'RootSquash', 'AllSquash'] },
          metadata: { type: 'object' },
        },
      },
    },
  },
  'microsoft.keyvault/vaults': keyVaultBody,
  'microsoft.operationalinsights/workspaces': logAnalyticsBody,
  'microsoft.insights/components': appInsightsBody,
  'microsoft.containerregistry/registries': registryBody,
  'microsoft.managedidentity/userassignedidentities': identityBody,
  'microsoft.resources/resourcegroups': resourceGroupBody,
  'microsoft.authorization/roleassignments': roleAssignmentBody,
  'microsoft.network/virtualnetworks': tracked({
    type: 'object',
    required: ['addressSpace'],
    properties: {
      addressSpace: {
        type: 'object',
        required: ['addressPrefixes'],
        properties: { addressPrefixes: { type: 'array', minItems: 1, items: cidr } },
      },
      subnets: { type: 'array' },
    },
  }),
  'microsoft.network/virtualnetworks/subnets': {
    type: 'object',
    required: ['properties'],
    properties: { properties: subnetProps },
  },
  'microsoft.network/networksecuritygroups': tracked({
    type: 'object',
    properties: {
      securityRules: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'properties'],
          properties: {
            name: nonEmpty,
            properties: {
              type: 'object',
              required: ['protocol', 'access', 'priority', 'direction'],
              properties: {
                protocol: { enum: ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'] },
                access: { enum: ['Allow', 'Deny'] },
                priority: { type: 'integer', minimum: 100, maximum: 4096 },
                direction: { enum: ['Inbound', 'Outbound'] },
              },
            },
          },
        },
      },
    },
  }),
  'microsoft.network/privateendpoints': tracked({
    type: 'object',
    required: ['subnet'],
    properties: {
      subnet: resourceIdObj,
      privateLinkServiceConnections: { type: 'array' },
      manualPrivateLinkServiceConnections: { type: 'array' },
      customNetworkInterfaceName: str,
    },
  }),
  'microsoft.network/privatednszones': {
    type: 'object',
    required: ['location'],
    properties: { location: { const: 'global' }, tags, properties: { type: 'object' } },
  },
  'microsoft.network/privatednszones/virtualnetworklinks': {
    type: 'object',
    required: ['location', 'properties'],
    additionalProperties: false,
    properties: {
      location: { const: 'global' },
      tags,
      properties: {
        type: 'object',
        required: ['virtualNetwork'],
        additionalProperties: false,
        properties: {
          registrationEnabled: bool,
          virtualNetwork: resourceIdObj,
          resolutionPolicy: { enum: ['Default', 'NxDomainRedirect'] },
        },
      },
    },
  },
  'microsoft.network/privateendpoints/privatednszonegroups': {
    type: 'object',
    required: ['properties'],
    additionalProperties: false,
    properties: {
      properties: {
        type: 'object',
        required: ['privateDnsZoneConfigs'],
        additionalProperties: false,
        properties: {
          privateDnsZoneConfigs: {
            type: 'array',
            minItems: 1,
            maxItems: 5,
            items: {
              type: 'object',
              required: ['name', 'properties'],
              additionalProperties: false,
              properties: {
                name: nonEmpty,
                properties: {
                  type: 'object',
                  required: ['privateDnsZoneId'],
                  additionalProperties: false,
                  properties: { privateDnsZoneId: armId },
                },
              },
            },
          },
        },
      },
    },
  },
  'microsoft.network/networksecuritygroups/securityrules': {
    type: 'object',
    required: ['properties'],
    additionalProperties: false,
    properties: {
      properties: {
        type: 'object',
        required: ['protocol', 'access', 'priority', 'direction'],
        properties: {
          protocol: { enum: ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'] },
          access: { enum: ['Allow', 'Deny'] },
          priority: { type: 'integer', minimum: 100, maximum: 4096 },
          direction: { enum: ['Inbound', 'Outbound'] },
        },
      },
    },
  },
  'microsoft.network/natgateways': tracked(
    {
      type: 'object',
      properties: {
        idleTimeoutInMinutes: { type: 'integer', minimum: 4, maximum: 120 },
        publicIpAddresses: { type: 'array', items: resourceIdObj },
        publicIpPrefixes: { type: 'array', items: resourceIdObj },
      },
    },
    {
      sku: { type: 'object', required: ['name'], properties: { name: { enum: ['Standard', 'StandardV2'] } } },
      zones: { type: 'array', items: str },
    },
  ),
  'microsoft.network/publicipaddresses': tracked(
    {
      type: 'object',
      properties: {
        publicIPAllocationMethod: { enum: ['Static', 'Dynamic'] },
        publicIPAddressVersion: { enum: ['IPv4', 'IPv6'] },
      },
    },
    { sku: { type: 'object', required: ['name'] }, zones: { type: 'array', items: str } },
  ),
  'microsoft.network/routetables': tracked({
    type: 'object',
    properties: { disableBgpRoutePropagation: bool, routes: { type: 'array' } },
  }),
  'microsoft.storage/storageaccounts/fileservices': {
    type: 'object',
    required: ['properties'],
    properties: { properties: { type: 'object' } },
  },
  'microsoft.storage/storageaccounts/blobservices': {
    type: 'object',
    required: ['properties'],
    properties: { properties: { type: 'object' } },
  },
  'microsoft.storage/storageaccounts/blobservices/containers': {
    type: 'object',
    properties: {
      properties: {
        type: 'object',
        properties: {
          publicAccess: { enum: ['None', 'Blob', 'Container'] },
          metadata: { type: 'object', additionalProperties: str },
        },
      },
    },
  },
  'microsoft.machinelearningservices/workspaces/outboundrules': {
    type: 'object',
    required: ['properties'],
    additionalProperties: false,
    properties: {
      properties: {
        type: 'object',
        required: ['type'],
        properties: { type: { enum: ['FQDN', 'PrivateEndpoint', 'ServiceTag'] }, category: str, destination: {} },
      },
    },
  },
  'microsoft.machinelearningservices/workspaces/privateendpointconnections': {
    type: 'object',
    required: ['properties'],
    properties: {
      location,
      tags,
      identity,
      sku,
      properties: {
        type: 'object',
        properties: { privateLinkServiceConnectionState: { type: 'object' }, privateEndpoint: { type: 'object' } },
      },
    },
  },
  'microsoft.network/privatednszones/a': {
    type: 'object',
    required: ['properties'],
    additionalProperties: false,
    properties: {
      properties: {
        type: 'object',
        required: ['ttl', 'aRecords'],
        properties: {
          ttl: { type: 'integer', minimum: 0 },
          aRecords: {
            type: 'array',
            items: {
              type: 'object',
              required: ['ipv4Address'],
              properties: { ipv4Address: { type: 'string', pattern: '^\\d{1,3}(\\.\\d{1,3}){3}$' } },
            },
          },
          metadata: { type: 'object' },
        },
      },
    },
  },
  'microsoft.machinelearningservices/workspaces/connections': {
    type: 'object',
    required: ['properties'],
    properties: {
      properties: {
        type: 'object',
        required: ['authType', 'category'],
        properties: { authType: str, category: str, target: str },
      },
    },
  },
};

/** A secret value may never appear in a body as a plain string: these field names must hold `SecretRef`s. */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'adminUserPassword',
  'password',
  'privateKeyData',
  'databricksAccessToken',
  'relayConnectionString',
  'serviceBusConnectionString',
  'key',
  'sasToken',
  'clientSecret',
  'certificate',
]);
