// Trigger invocations as Prometheus metrics, registered in the app's registry: a count and a
// duration per trigger source and outcome. Both label sets are bounded: trigger sources are
// Cognito's fixed strings chosen by the server, outcomes the four kinds of InvokeResult.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { InvokeResult } from './runner.js';

export type InvocationRecorder = (triggerSource: string, outcome: InvokeResult['kind'], seconds: number) => void;

export function triggerMetrics(registry: Registry): InvocationRecorder {
  const invocations = new Counter({
    name: 'userpool_trigger_invocations_total',
    help: 'Lambda trigger invocations by trigger source and outcome (answer, unparseable, functionError, invokeFailure)',
    labelNames: ['trigger_source', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'userpool_trigger_duration_seconds',
    help: 'Time a Lambda trigger took to answer or fail, by trigger source',
    labelNames: ['trigger_source'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (triggerSource, outcome, seconds) => {
    invocations.inc({ trigger_source: triggerSource, outcome });
    duration.observe({ trigger_source: triggerSource }, seconds);
  };
}
