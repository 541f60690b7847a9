/** Ids are opaque strings generated outside the domain (see the IdGenerator port). */
export type Id = string;
