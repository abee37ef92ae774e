/**
 * English given-name nicknames → the formal name, for comparisons (a nickname sounds like its
 * formal name) and for the generator's nickname noise. Lower case.
 */
export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  william: ['bill', 'will', 'billy'],
  robert: ['bob', 'rob', 'bobby'],
  elizabeth: ['liz', 'beth', 'betty'],
  margaret: ['peggy', 'maggie', 'meg'],
  james: ['jim', 'jimmy'],
  richard: ['dick', 'rick'],
  katherine: ['kate', 'kathy'],
  jennifer: ['jen', 'jenny'],
  michael: ['mike', 'mick'],
  thomas: ['tom', 'tommy'],
  charles: ['charlie', 'chuck'],
  joseph: ['joe'],
  daniel: ['dan', 'danny'],
  matthew: ['matt'],
  anthony: ['tony'],
  christopher: ['chris'],
  patricia: ['pat', 'trish'],
  susan: ['sue'],
  deborah: ['debbie', 'deb'],
  rebecca: ['becky'],
  samantha: ['sam'],
  alexander: ['alex'],
  benjamin: ['ben'],
  nicholas: ['nick'],
  jessica: ['jess'],
  edward: ['ed', 'ted'],
  andrew: ['andy', 'drew'],
  david: ['dave'],
  stephen: ['steve'],
  victoria: ['vicky'],
};

const FORMAL_OF = new Map<string, string>(
  Object.entries(NICKNAMES).flatMap(([formal, nicks]) => nicks.map((n) => [n, formal] as const)),
);

/** The formal name a nickname stands for, or the name itself. */
export function formalName(name: string): string {
  return FORMAL_OF.get(name) ?? name;
}
