/**
 * search_traces by an attribute the conventions renamed finds the services that send the other
 * name (Flask and sqlite3 instrumentations still send http.status_code and db.statement), as spec
 * matching does, and says which name matched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { buildTrace, movedToNow } from '../support/trace-builder.js';

describe('search_traces by a renamed attribute', () => {
  let harness: Harness;
  let oldStyle: string;
  beforeAll(async () => {
    harness = await startHarness();
    const trace = buildTrace({
      name: 'POST /loans',
      service: 'loans-service',
      kind: 'server',
      attributes: { 'http.method': 'POST', 'http.status_code': 201 },
      children: [
        {
          name: 'INSERT',
          kind: 'client',
          attributes: { 'db.statement': 'INSERT INTO loans', 'net.peer.name': 'db', 'net.peer.port': 5432 },
        },
      ],
    });
    oldStyle = trace.traceId;
    // Moved to now: the search's default window is the last hour.
    await harness.app.writeSpans(movedToNow(trace).spans);
  });
  afterAll(async () => harness.close());

  const search = (attributes: Record<string, unknown>) =>
    harness.call('search_traces', { query: { service_name: 'loans-service', attributes } });

  it('finds a trace sent with the older name and says that name matched', async () => {
    const result = await search({ 'http.response.status_code': 201 });
    expect(result.isError, result.text).toBe(false);
    expect(result.text.split('\n')[0]).toBe(
      'No trace matched `http.response.status_code`; these match its older name `http.status_code` (HTTP conventions).',
    );
    expect(result.text).toContain(oldStyle);
  });

  it('finds by presence of the newer database name, and by two renamed keys at once', async () => {
    expect((await search({ 'db.query.text': { exists: true } })).text).toContain(oldStyle);
    const both = await search({ 'http.request.method': 'POST', 'http.response.status_code': 201 });
    expect(both.text).toContain(oldStyle);
    expect(both.text.split('\n')[0]).toContain('`http.request.method`, `http.response.status_code`');
  });

  it('tries every key renamed at once first, each by its first older name (server.address → net.peer.name)', async () => {
    const result = await search({ 'server.address': 'db', 'server.port': 5432 });
    expect(result.text).toContain(oldStyle);
    expect(result.text.split('\n')[0]).toContain('its older name `net.peer.name`');
  });

  it('still finds nothing when neither name has the value', async () => {
    const result = await search({ 'http.response.status_code': 500 });
    expect(result.text).toMatch(/^No traces matched/);
  });

  it('says nothing of renames when the name asked for matched', async () => {
    const result = await search({ 'http.status_code': 201 });
    expect(result.text).toContain(oldStyle);
    expect(result.text).not.toContain('No trace matched');
    // Other services may send the newer name: the answer says they are not in this list.
    expect(result.text).toContain(
      "Services that send another generation's names are not in this list (`http.status_code` newer `http.response.status_code`): search by those to see them.",
    );
  });
});
