/**
 * Reaction files in the USPTO-50k CSV layout (`id,class,reactants>reagents>production`, header
 * first). Valid/test rows are atom-mapped; the train split is not. A user's file in the same
 * layout works the same way; a malformed row is a one-line {@link ConfigError} naming the line.
 * @module
 */
import { ConfigError } from "../io/config.ts";

/** One reaction row. */
export interface ReactionRow {
  id: string;
  /** Reaction class ("UNK" when not known). */
  reactionClass: string;
  /** Reactants, dot-separated SMILES (atom-mapped in valid/test). */
  reactants: string;
  /** Reagents (empty in USPTO-50k). */
  reagents: string;
  /** Product SMILES. */
  product: string;
}

/**
 * Parses the text of a reaction CSV. Throws {@link ConfigError} for a missing header, a row
 * without three fields or a reaction that is not `reactants>reagents>product`.
 *
 * @example
 * ```ts
 * import { parseReactionCsv } from "./data.ts";
 * const rows = parseReactionCsv("id,class,reactants>reagents>production\nr1,UNK,CC(=O)O.N>>CC(N)=O\n", "x.csv");
 * rows[0].product; // "CC(N)=O"
 * ```
 */
export function parseReactionCsv(text: string, source = "input"): ReactionRow[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim() ?? "";
  if (!/^id,class,/.test(header)) {
    throw new ConfigError(
      `${source}: expected the header 'id,class,reactants>reagents>production', got '${
        header.slice(0, 60)
      }'`,
    );
  }
  const rows: ReactionRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const parts = line.split(",");
    if (parts.length !== 3) {
      throw new ConfigError(
        `${source} line ${
          i + 1
        }: expected 3 comma-separated fields (id,class,reaction), got ${parts.length}`,
      );
    }
    const sides = parts[2].split(">");
    if (sides.length !== 3 || sides[0] === "" || sides[2] === "") {
      throw new ConfigError(
        `${source} line ${i + 1}: expected a reaction 'reactants>reagents>product', got '${
          parts[2].slice(0, 60)
        }'`,
      );
    }
    rows.push({
      id: parts[0],
      reactionClass: parts[1],
      reactants: sides[0],
      reagents: sides[1],
      product: sides[2],
    });
  }
  return rows;
}

/** Reads and parses a reaction CSV file; an unreadable file is a {@link ConfigError}. */
export async function readReactionCsv(path: string): Promise<ReactionRow[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new ConfigError(`cannot read reaction file '${path}': ${(e as Error).message}`);
  }
  return parseReactionCsv(text, path);
}

/** The reaction SMILES of a row (`reactants>reagents>product`). */
export function reactionSmiles(row: ReactionRow): string {
  return `${row.reactants}>${row.reagents}>${row.product}`;
}
