/**
 * Unknown keys, one problem per key, located at the key: zod's strict objects report all of an object's unknown
 * keys in one issue at the object, without the keys it allows. Those come from the schema itself, found by
 * following the path through arrays, records, defaults, optionals and unions (the union member is the
 * object the data matches best), so the message can never drift from the schema.
 */
import { z } from 'zod';
import { didYouMean } from './did-you-mean';
import { problem, type ConfigPath, type ConfigProblem } from './problems';
import { valueAt } from './source';

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The object member of a union whose keys the data uses most (a discriminated union: the one its `type` names). */
function unionMember(union: z.ZodUnion, data: unknown): z.ZodObject | undefined {
  const objects = union.options.map((o) => unwrap(o as z.ZodType)).filter((o) => o instanceof z.ZodObject);
  if (data === null || typeof data !== 'object') return objects[0];
  const keys = Object.keys(data);
  const score = (o: z.ZodObject) => {
    const shape = o.shape as Record<string, z.ZodType>;
    const literal = (key: string) => {
      const field = unwrap(shape[key]);
      return field instanceof z.ZodLiteral && field.values.has((data as Record<string, unknown>)[key] as never);
    };
    return keys.filter((k) => k in shape).length + keys.filter((k) => k in shape && literal(k)).length * 100;
  };
  return objects.sort((a, b) => score(b) - score(a))[0];
}

/** The object schema at `path` (with `data` the whole config), or undefined if the path leaves the schema. */
export function objectSchemaAt(schema: z.ZodType, data: unknown, path: ConfigPath): z.ZodObject | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (let depth = 0; depth <= path.length && current; depth++) {
    const here = valueAt(data, path.slice(0, depth));
    if (current instanceof z.ZodUnion) current = unionMember(current, here);
    if (depth === path.length) break;
    const part = path[depth];
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(part)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else current = undefined;
    current = current && unwrap(current);
  }
  return current instanceof z.ZodObject ? current : undefined;
}

/** One problem per unknown key of the object at `path`. */
export function unknownKeyProblems(
  keys: readonly string[],
  allowed: readonly string[],
  path: ConfigPath,
): ConfigProblem[] {
  return keys.map((key) =>
    problem([...path, key], `unknown key; allowed keys are ${allowed.join(', ')}${didYouMean(key, allowed, 1)}`, {
      at: 'key',
    }),
  );
}

/** The allowed keys of the object at `path`, for an unknown-key issue. */
export function allowedKeysAt(schema: z.ZodType, data: unknown, path: ConfigPath): string[] {
  return Object.keys(objectSchemaAt(schema, data, path)?.shape ?? {});
}
