/**
 * Validates XML against the OASIS CAP 1.2 schema (the normative XSD in ../shared/standards) with
 * xmllint-wasm: libxml2 compiled to WebAssembly, shipped inside the npm package, so the check
 * runs the same on every machine and CI image without installing libxml2-utils.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';

const XSD_PATH = path.resolve(import.meta.dirname, '../../../shared/standards/cap12.xsd');

/** The schema's text (read once). */
export const CAP_XSD = readFileSync(XSD_PATH, 'utf8');

/** The schema errors of a document (empty when valid). */
export async function capSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'alert.xml', contents: xml }],
    schema: [{ fileName: 'cap12.xsd', contents: CAP_XSD }],
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}
