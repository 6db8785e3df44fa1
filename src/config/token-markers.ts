/**
 * cdktf marks its references inside strings as `${TfToken[TOKEN.12]}` and replaces every such marker it finds at
 * synth, whichever string it is in. Config text holding one would become some other resource's value (or crash
 * synth), and no escape keeps it literal for both cdktf and Terraform (terraform-literals.ts escapes everything
 * else), so such text is refused wherever it is: in any value or key.
 */
import { problem, type ConfigPath, type ConfigProblem } from './problems';

const MARKER = /[$#&]\{TfToken\[/;

export function tokenMarkerProblems(data: unknown, path: ConfigPath = []): ConfigProblem[] {
  const found = (at: ConfigPath, options?: { at: 'key' }) =>
    problem(at, 'must not contain cdktf\'s reference marker "${TfToken[" (cdktf would replace it at synth)', options);
  if (typeof data === 'string') return MARKER.test(data) ? [found(path)] : [];
  if (Array.isArray(data)) return data.flatMap((item, i) => tokenMarkerProblems(item, [...path, i]));
  if (data !== null && typeof data === 'object')
    return Object.entries(data).flatMap(([key, value]) => [
      ...(MARKER.test(key) ? [found([...path, key], { at: 'key' })] : []),
      ...tokenMarkerProblems(value, [...path, key]),
    ]);
  return [];
}
