// The corpus format: every committed fixture loads, passes the schema and is sanitized; the loader and the writer
// refuse malformed files with a coded error naming the file and the problem.
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../lib/core/errors.js';
import {
  SANITIZED,
  SANITIZED_SUBSCRIPTION,
  formatCorpusFile,
  loadCorpus,
  parseCorpusFile,
  type CorpusFile,
} from './format.js';
import { Sanitizer, sanitizationProblems } from './sanitize.js';

const REAL_SUB = '0e745469-49f8-48c9-873b-24ca87143db1';
const PATH = `/subscriptions/${SANITIZED_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/c1`;

function sample(): CorpusFile {
  return {
    formatVersion: 1,
    title: 'compute create then poll',
    source: {
      kind: 'recording',
      repository: 'Azure/azure-powershell',
      path: 'x.Recording.json',
      commit: 'a'.repeat(40),
    },
    sanitized: ['subscription id'],
    exchanges: [
      {
        op: 'create',
        armType: 'Microsoft.MachineLearningServices/workspaces/computes',
        request: { method: 'PUT', path: `${PATH}?api-version=2024-04-01`, body: { location: 'eastus' } },
        response: {
          status: 201,
          headers: { 'azure-asyncoperation': 'https://management.azure.com/op?api-version=2024-04-01' },
          body: { properties: { provisioningState: 'Creating' } },
        },
      },
      {
        op: 'poll',
        armType: 'Microsoft.MachineLearningServices/workspaces/computes',
        poll: { of: 0, header: 'azure-asyncoperation' },
        request: { method: 'GET', path: '/op?api-version=2024-04-01' },
        response: { status: 200, headers: {}, body: { status: 'Succeeded' } },
      },
    ],
  };
}

function invalid(text: string): InputError {
  try {
    parseCorpusFile(text, 'bad.json');
  } catch (e) {
    assert.ok(e instanceof InputError);
    return e;
  }
  assert.fail('parseCorpusFile accepted an invalid file');
}

describe('corpus format', () => {
  test('every committed fixture loads, is valid and sanitized', () => {
    const files = loadCorpus();
    assert.ok(files.length > 0, 'the corpus folder holds fixtures');
    for (const { file, corpus } of files) assert.deepEqual(sanitizationProblems(corpus), [], file);
  });

  test('a written file parses back to the same value', () => {
    const text = formatCorpusFile(sample());
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual(parseCorpusFile(text, 'x.json'), sample());
  });

  test('not JSON: InvalidCorpusFile naming the file', () => {
    const e = invalid('{ nope');
    assert.equal(e.code, 'InvalidCorpusFile');
    assert.equal(e.file, 'bad.json');
    assert.match(e.message, /bad\.json is not JSON/);
  });

  test('schema problems are all listed with their JSON pointer', () => {
    const f = JSON.parse(JSON.stringify(sample()));
    f.source.commit = 'main';
    f.exchanges[0].response.headers['x-ms-request-id'] = 'abc';
    f.exchanges[0].op = 'upsert';
    const e = invalid(JSON.stringify(f));
    assert.match(e.message, /\/source\/commit must match pattern/);
    assert.match(e.message, /\/exchanges\/0\/response\/headers must NOT have additional properties/);
    assert.match(e.message, /\/exchanges\/0\/op must be equal to one of the allowed values/);
    assert.match(e.fix ?? '', /README\.md/);
  });

  test('semantic problems: no api-version, op/method mismatch, poll of a later or header-less exchange', () => {
    const f = JSON.parse(JSON.stringify(sample()));
    f.exchanges[0].request.path = PATH;
    f.exchanges[0].request.method = 'PATCH';
    f.exchanges[1].poll = { of: 0, header: 'location' };
    let e = invalid(JSON.stringify(f));
    assert.match(e.message, /\/exchanges\/0\/request\/path has no api-version/);
    assert.match(e.message, /op 'create' does not fit method PATCH/);
    assert.match(e.message, /exchange 0 has no location header to follow/);
    f.exchanges[1].poll = { of: 1, header: 'location' };
    e = invalid(JSON.stringify(f));
    assert.match(e.message, /poll\/of must name an earlier exchange/);
    delete f.exchanges[1].poll;
    e = invalid(JSON.stringify(f));
    assert.match(e.message, /a poll names the exchange whose header it follows/);
  });

  test('the writer refuses an invalid file', () => {
    const f = { ...sample(), exchanges: [] };
    assert.throws(() => formatCorpusFile(f), { code: 'InvalidCorpusFile' });
  });

  describe('loader over a folder', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'amlcdk-corpus-'));
      mkdirSync(join(dir, 'ml'));
      writeFileSync(join(dir, 'ml', 'b.json'), formatCorpusFile(sample()));
      writeFileSync(join(dir, 'a.json'), formatCorpusFile(sample()));
      writeFileSync(join(dir, 'README.md'), '# not a fixture');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('reads every .json recursively, sorted, with /-separated names', () => {
      assert.deepEqual(
        loadCorpus(dir).map((f) => f.file),
        ['a.json', 'ml/b.json'],
      );
    });

    test('a bad file stops the load with its name', () => {
      writeFileSync(join(dir, 'ml', 'c.json'), '{}');
      try {
        assert.throws(
          () => loadCorpus(dir),
          (e: InputError) => e.code === 'InvalidCorpusFile' && /c\.json/.test(e.message),
        );
      } finally {
        rmSync(join(dir, 'ml', 'c.json'));
      }
    });
  });
});

describe('sanitizing', () => {
  test('ids, secrets, e-mails and LRO signatures are replaced', () => {
    const s = new Sanitizer({ subscriptions: [REAL_SUB], tenants: ['213e87ed-8e08-4eb4-a63c-c073058f7b00'] });
    const out = s.json({
      id: `/subscriptions/${REAL_SUB}/resourceGroups/rg`,
      other: '/subscriptions/12345678-1234-1234-1234-123456789abc/x',
      tenantId: '213e87ed-8e08-4eb4-a63c-c073058f7b00',
      properties: { adminUserPassword: 'hunter2', keys: { primaryKey: 'abc==' }, createdBy: 'jane.doe@contoso.com' },
      url: `https://eastus.management.azure.com/subscriptions/${REAL_SUB}/op/1?api-version=2024-04-01&t=1&c=MII&s=sig&h=x`,
      conn: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net',
    });
    assert.deepEqual(out, {
      id: `/subscriptions/${SANITIZED_SUBSCRIPTION}/resourceGroups/rg`,
      other: `/subscriptions/${SANITIZED_SUBSCRIPTION}/x`,
      tenantId: '00000000-0000-0000-0000-000000000001',
      properties: { adminUserPassword: SANITIZED, keys: { primaryKey: SANITIZED }, createdBy: 'user@example.com' },
      url: `https://management.azure.com/subscriptions/${SANITIZED_SUBSCRIPTION}/op/1?api-version=2024-04-01`,
      conn: `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${SANITIZED};EndpointSuffix=core.windows.net`,
    });
  });

  test('principal object ids become stable placeholders', () => {
    const s = new Sanitizer({ people: ['5dce0ce9-f0a7-437f-aea2-760d05c62ca9'] });
    assert.equal(s.text('oid 5DCE0CE9-f0a7-437f-aea2-760d05c62ca9'), 'oid 00000000-0000-0000-0000-a00000000001');
  });

  test('every leak is reported with where it sits', () => {
    const f = JSON.parse(JSON.stringify(sample()));
    f.exchanges[0].request.body = {
      properties: { password: 'p@ss', token: 'eyJ0eXAiOiJKV1QiLCJhbGciOi.eyJhdWQiOiJodHRwczovL21h' },
      tenantId: '213e87ed-8e08-4eb4-a63c-c073058f7b00',
    };
    f.exchanges[0].response.body = { id: `/subscriptions/${REAL_SUB}/x`, createdBy: 'jane@contoso.com' };
    f.exchanges[1].response.headers = { location: 'https://westus.management.azure.com/op' };
    const problems = sanitizationProblems(f);
    assert.deepEqual(problems.sort(), [
      `/exchanges/0/request/body/properties/password: secret property 'password' is not '${SANITIZED}'`,
      '/exchanges/0/request/body/properties/token: looks like a JWT',
      '/exchanges/0/request/body/tenantId: tenant id is not 00000000-0000-0000-0000-000000000001',
      '/exchanges/0/response/body/createdBy: e-mail address (personal data)',
      `/exchanges/0/response/body/id: subscription id ${REAL_SUB} is not ${SANITIZED_SUBSCRIPTION}`,
      '/exchanges/1/response/headers/location: ARM URL not on https://management.azure.com',
    ]);
  });
});
