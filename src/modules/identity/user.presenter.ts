import { type Static, Type } from '@sinclair/typebox';
import { ROLES } from '../../kernel/actor.js';
import { maskPhone } from '../../lib/privacy.js';
import type { GrantRecord } from './user.repository.js';
import type { UserWithGrants } from './user.service.js';

/** A role name in schemas. */
export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

/** An area code in schemas (GB/T 30428.1 style). */
export const AreaCodeSchema = Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' });

/** A grant as the API shows it. */
export const GrantDto = Type.Object({
  id: Type.Integer(),
  role: RoleSchema,
  areaCode: Type.Union([Type.String(), Type.Null()], {
    description: 'null = whole city (or a department grant)',
  }),
  departmentCode: Type.Union([Type.String(), Type.Null()]),
  grantedBy: Type.String(),
  grantedAt: Type.String({ format: 'date-time' }),
});

/** A user as the API shows it: the phone is always masked (`138****5678`). */
export const UserDto = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  locale: Type.Union([Type.Literal('zh-CN'), Type.Literal('en'), Type.Null()]),
  phone: Type.Union([Type.String({ description: 'masked' }), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  grants: Type.Array(GrantDto),
});

/** Presents a grant. */
export function presentGrant(g: GrantRecord): Static<typeof GrantDto> {
  return {
    id: g.id,
    role: g.role,
    areaCode: g.areaCode,
    departmentCode: g.departmentCode,
    grantedBy: g.grantedBy,
    grantedAt: g.grantedAt.toISOString(),
  };
}

/** Presents a user with the phone masked; `clearPhone` is the decrypted value to mask. */
export function presentUser(u: UserWithGrants, clearPhone: string | null): Static<typeof UserDto> {
  return {
    id: u.user.id,
    username: u.user.username,
    displayName: u.user.displayName,
    locale: u.user.locale,
    phone: clearPhone === null ? null : maskPhone(clearPhone),
    status: u.user.status,
    lockedUntil: u.user.lockedUntil ? u.user.lockedUntil.toISOString() : null,
    lastLoginAt: u.user.lastLoginAt ? u.user.lastLoginAt.toISOString() : null,
    createdAt: u.user.createdAt.toISOString(),
    grants: u.grants.map(presentGrant),
  };
}
