/**
 * How a control names the requirements it meets (`controls.criteria`): SOC 2 criteria bare
 * (`CC6.1`), a requirement of any other framework qualified by the framework's id
 * (`nist-sp-800-53-rev5-low:ac-2`). Framework ids never hold a colon, so the first colon splits.
 */
export const SOC2_FRAMEWORK = 'soc2-2017';

export function qualifiedRef(frameworkId: string, ref: string): string {
  return frameworkId === SOC2_FRAMEWORK ? ref : `${frameworkId}:${ref}`;
}

/** The framework and requirement a criterion names: bare refs are SOC 2's. */
export function parseQualifiedRef(criterion: string): { frameworkId: string; ref: string } {
  const colon = criterion.indexOf(':');
  return colon < 0
    ? { frameworkId: SOC2_FRAMEWORK, ref: criterion }
    : { frameworkId: criterion.slice(0, colon), ref: criterion.slice(colon + 1) };
}
