/**
 * A client calling a worker that may crash mid-run (test/fixtures/run-scripts): the spec the
 * lost-spans tests define as `crash_once`, whose entries beneath the worker go unchecked when it does.
 */
export const CRASH_ONCE_SPEC = {
  expected_spans: [
    {
      operation_name: 'client-call',
      service_name: 'client',
      children: [
        {
          operation_name: 'work.step',
          service_name: 'worker',
          children: [{ operation_name: 'work.detail', service_name: 'worker' }],
        },
      ],
    },
  ],
};
