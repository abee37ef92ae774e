/** TypeBox atoms shared by the case routes (intake and the case loop). */
import { Type } from '@sinclair/typebox';

export const Lng = Type.Number({ minimum: -180, maximum: 180 });
export const Lat = Type.Number({ minimum: -90, maximum: 90 });
export const CategoryCode = Type.String({ pattern: '^[EPH][0-9]{4}$' });
export const DeptCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' });
export const Note = Type.String({ maxLength: 2000 });
export const PublicCode = Type.String({ pattern: '^NH[0-9]{6}-[0-9A-Z]{6}$' });
export const literalUnion = <T extends readonly string[]>(xs: T) =>
  Type.Union(xs.map((x) => Type.Literal(x)));
