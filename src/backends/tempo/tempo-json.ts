/**
 * Tempo's JSON trace answer → standard OTLP JSON for the shared decoder. Tempo marshals with
 * gogo-jsonpb: the trace is `{"batches": [...]}` (v1 API) or `{"trace": {"resourceSpans": [...]}}`
 * (v2 API), older blocks say `instrumentationLibrarySpans`, ids are base64 and enums are names.
 * The decoder already reads base64 ids and enum names; this pass renames the containers.
 */

type JsonObject = Record<string, unknown>;

export function normalizeTempoTraceJson(document: unknown): JsonObject {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return {};
  let root = document as JsonObject;
  if (typeof root.trace === 'object' && root.trace !== null) root = root.trace as JsonObject;
  const resourceSpans = (root.resourceSpans ?? root.batches ?? []) as unknown;
  if (!Array.isArray(resourceSpans)) return { resourceSpans };
  return { resourceSpans: resourceSpans.map(normalizeResourceSpans) };
}

function normalizeResourceSpans(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const { instrumentationLibrarySpans, scopeSpans, ...rest } = value as JsonObject;
  const list = scopeSpans ?? instrumentationLibrarySpans;
  return {
    ...rest,
    scopeSpans: Array.isArray(list)
      ? list.map((item) => {
          if (typeof item !== 'object' || item === null) return item;
          const { instrumentationLibrary, scope, ...others } = item as JsonObject;
          return { ...others, scope: scope ?? instrumentationLibrary };
        })
      : list,
  };
}
