// Writes src/text/counties.txt, the counties (县级) of each prefecture-level division that src/text/cities.txt
// names, and src/text/prefectures.txt, the divisions of each province, from china-area-data's data.json (npm, MIT
// License, Copyright (c) 2016 Airyland; GB/T 2260 codes):
//   npm pack china-area-data@5.0.1 && tar xzf china-area-data-5.0.1.tgz
//   node scripts/counties.mjs package/data.json
// A county name found under two prefectures anywhere (城关区, 朝阳区) is left out, so that every name listed says
// which prefecture it lies in; so are names under three characters and the 市辖区 placeholder.
import { readFileSync, writeFileSync } from "node:fs";

const data = JSON.parse(readFileSync(process.argv[2], "utf8"));
const cities = readFileSync(new URL("../src/text/cities.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line && !line.startsWith("#"))
  .map((line) => line.split("\t"));
const shortName = new Map(cities.map(([short, official]) => [official, short]));

/** 新疆维吾尔自治区 → 新疆, 山东省 → 山东, 北京市 → 北京 (as entities.ts's PROVINCES). */
const provinceName = (official) => official.replace(/(?:维吾尔|壮族|回族)?自治区$|省$|市$|特别行政区$/, "");

const counties = [];
const prefectures = [];
for (const province of Object.keys(data["86"])) {
  for (const [code, official] of Object.entries(data[province] ?? {})) {
    const short = shortName.get(official);
    if (!short) continue;
    prefectures.push(`${provinceName(data["86"][province])}\t${short}`);
    for (const county of Object.values(data[code] ?? {})) counties.push([short, county]);
  }
}
const seen = new Map();
for (const [, county] of counties) seen.set(county, (seen.get(county) ?? 0) + 1);
const lines = counties
  .filter(([, county]) => seen.get(county) === 1 && county.length >= 3 && county !== "市辖区")
  .map(([short, county]) => `${short}\t${county}`);
writeFileSync(
  new URL("../src/text/counties.txt", import.meta.url),
  [
    "# The counties (县, 县级市, 区, 旗) of China's prefecture-level divisions: the name a question uses for the",
    "# prefecture (as in cities.txt), then a county's official name. A passage that names a county of the prefecture a",
    "# question asks about is about that prefecture (策勒县 is in 和田地区). Made by scripts/counties.mjs from",
    "# china-area-data 5.0.1 (npm, MIT License, Copyright (c) 2016 Airyland; GB/T 2260 division codes); a name that",
    "# two prefectures share (城关区), or under three characters, is left out.",
    ...lines,
  ].join("\n") + "\n",
);
writeFileSync(
  new URL("../src/text/prefectures.txt", import.meta.url),
  [
    "# The prefecture-level divisions of each province: the province's name as questions use it (山东, 新疆), then",
    "# the division's (as in cities.txt). A report on 淄博's aid is a report on 山东's, on 海北 one on 青海 (never the",
    "# other way round: a question about 淄博 needs 淄博). Made by scripts/counties.mjs from china-area-data 5.0.1",
    "# (npm, MIT License, Copyright (c) 2016 Airyland; GB/T 2260 division codes).",
    ...prefectures,
  ].join("\n") + "\n",
);
