// Compile-time test of the package's TypeScript types (pkg/serialkit.d.ts): `tsc -p .` in www/
// fails when a function, option or result is missing or wrongly typed. Never run, only checked.
import init, {
  checkPartial, decode, findDuplicates, identify, listVendors, loadMacRegistry, loadRules, resetRules, validate,
  type DecodeOptions, type Decoded, type DuplicateGroup, type LoadResult, type PartialResult, type Problem, type Report,
  type Validation, type VendorInfo, type VendorRules,
} from "../pkg/serialkit.js";

export async function uses(bytes: Uint8Array): Promise<void> {
  await init();
  const report: Report = decode("C02TJ0Q7GVC8");
  const withOptions: Report = decode("00:1A:2B:3C:4D:5E", { kind: "mac", strict: true });
  const first: Problem | undefined = withOptions.errors[0];
  const start: number = first?.start ?? report.confidence;

  const byVendor: Validation = validate("CO2TJ0Q7GVC8", "apple");
  if (!byVendor.ok) console.log(byVendor.problem.hint ?? byVendor.problem.message, start);
  const byKind: Validation = validate("490154203237518", { kind: "imei" });
  if (byKind.ok) console.log(byKind.decoded.fields.tac);

  const typed: PartialResult = checkPartial("C02TJ");
  const mac: PartialResult = checkPartial("00:1A", { kind: "mac" } satisfies DecodeOptions);
  const state: "incomplete" | "invalid" | "valid" = typed.state;
  console.log(state, mac.needs, mac.expected, typed.decoded?.format);

  const readings: Decoded[] = identify("MNEH3LL/A");
  console.log(readings[0]?.kind === "model");
  const vendors: VendorInfo[] = listVendors();
  const groups: DuplicateGroup[] = findDuplicates(["a", "b"]);
  console.log(vendors[0]?.formats[0]?.identifies, groups[0]?.members[0]?.index);

  const rules: VendorRules = { id: "acme", name: "Acme", source: "example", formats: [] };
  const loaded: LoadResult = loadRules([rules]);
  if (!loaded.ok) console.log(loaded.issues[0]?.key);
  resetRules();
  const registry = loadMacRegistry(bytes);
  if (registry.ok) console.log(registry.assignments, registry.date);

  // @ts-expect-error: kinds are a closed set.
  decode("x", { kind: "toaster" });
  // @ts-expect-error: options are checked, as the JS API checks them at run time.
  decode("x", { colour: "red" });
  // @ts-expect-error: validate needs a vendor or options.
  validate("x");
}
