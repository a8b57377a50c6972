// Lint rules: the recommended JavaScript and typescript-eslint sets, run by `npm test`.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "index/", "models/", "scratch/", "data/", "feedback/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        performance: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        TextDecoder: "readonly",
        NodeJS: "readonly",
        fetch: "readonly",
        AbortController: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "off",
      // Prettier wraps code at 120 columns; this catches the strings, comments and patterns it cannot wrap.
      "max-len": ["error", { code: 120, ignoreUrls: true }],
    },
  },
);
