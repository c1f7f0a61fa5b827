// How a FLOAT is written as text (toString(), string concatenation, console output, JSON).
//
// The shortest decimal that reads back as the same double (JavaScript's Number#toString),
// adjusted so a FLOAT never looks like an INTEGER: a decimal point or an exponent is always
// present. Examples: 1 → "1.0", 2.3 → "2.3", 1e21 → "1.0e21", 1.5e-7 → "1.5e-7",
// -0 → "-0.0", NaN → "NaN", Infinity → "Infinity", -Infinity → "-Infinity". Every finite
// result is also a valid Cypher float literal and a valid JSON number.

export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  const e = text.indexOf('e');
  if (e >= 0) {
    let mantissa = text.slice(0, e);
    const exponent = text.slice(e + 1).replace('+', '');
    if (!mantissa.includes('.')) mantissa += '.0';
    return `${mantissa}e${exponent}`;
  }
  return text.includes('.') ? text : `${text}.0`;
}
