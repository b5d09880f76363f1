// Command-line options of the benchmark tools: `--name=value`.

/** The text given as `--name=...`, or `fallback` when the option is absent. */
export function optionText(name, fallback) {
  const given = process.argv.find((a) => a.startsWith(`--${name}=`));
  return given === undefined ? fallback : given.slice(name.length + 3);
}

/** The whole number (1 or more) given as `--name=...`, or `fallback`; exits with a usage error otherwise. */
export function wholeOption(name, fallback) {
  const value = Number(optionText(name, fallback));
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a whole number, 1 or more`);
    process.exit(2);
  }
  return value;
}
