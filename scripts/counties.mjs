// Writes src/text/counties.txt, the counties (县级) of each prefecture-level division that src/text/cities.txt
// names, from china-area-data's data.json (npm, MIT License, Copyright (c) 2016 Airyland; GB/T 2260 codes):
//   npm pack china-area-data@5.0.1 && tar xzf china-area-data-5.0.1.tgz
//   node scripts/counties.mjs package/data.json > src/text/counties.txt
// A county name found under two prefectures anywhere (城关区, 朝阳区) is left out, so that every name listed says
// which prefecture it lies in; so are names under three characters and the 市辖区 placeholder.
import { readFileSync } from "node:fs";

const data = JSON.parse(readFileSync(process.argv[2], "utf8"));
const cities = readFileSync(new URL("../src/text/cities.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line && !line.startsWith("#"))
  .map((line) => line.split("\t"));
const shortName = new Map(cities.map(([short, official]) => [official, short]));

const counties = [];
for (const province of Object.keys(data["86"])) {
  for (const [code, official] of Object.entries(data[province] ?? {})) {
    const short = shortName.get(official);
    if (!short) continue;
    for (const county of Object.values(data[code] ?? {})) counties.push([short, county]);
  }
}
const seen = new Map();
for (const [, county] of counties) seen.set(county, (seen.get(county) ?? 0) + 1);
const lines = counties
  .filter(([, county]) => seen.get(county) === 1 && county.length >= 3 && county !== "市辖区")
  .map(([short, county]) => `${short}\t${county}`);
process.stdout.write(
  [
    "# The counties (县, 县级市, 区, 旗) of China's prefecture-level divisions: the name a question uses for the",
    "# prefecture (as in cities.txt), then a county's official name. A passage that names a county of the prefecture a",
    "# question asks about is about that prefecture (策勒县 is in 和田地区). Made by scripts/counties.mjs from",
    "# china-area-data 5.0.1 (npm, MIT License, Copyright (c) 2016 Airyland; GB/T 2260 division codes); a name that",
    "# two prefectures share (城关区), or under three characters, is left out.",
    ...lines,
  ].join("\n") + "\n",
);
