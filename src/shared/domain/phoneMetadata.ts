import type { MetadataJson } from 'libphonenumber-js/core'

// libphonenumber-js metadata for Nigeria only: the console accepts nothing else, and the whole
// `max` set (every country, ~300 KB) was most of the renderer bundle. This is the NG entry of
// `libphonenumber-js/metadata.max.json` unchanged (number types included, so mobile numbers
// are told from fixed lines); phoneMetadata.test.ts fails when a library update changes it.
// Regenerate: node -e "const m=require('libphonenumber-js/metadata.max.json'); console.log(JSON.stringify({version:m.version,country_calling_codes:{234:['NG']},countries:{NG:m.countries.NG},nonGeographic:{}}))"

export const NIGERIA_PHONE_METADATA: MetadataJson = {"version":4,"country_calling_codes":{"234":["NG"]},"countries":{"NG":["234","009","(?:20|9\\d)\\d{8}|[78]\\d{9,13}",[10,11,12,13,14],[["(\\d{3})(\\d{3})(\\d{3,4})","$1 $2 $3",["[7-9]"],"0$1"],["(\\d{3})(\\d{3})(\\d{4})","$1 $2 $3",["20[129]"],"0$1"],["(\\d{4})(\\d{2})(\\d{4})","$1 $2 $3",["2"],"0$1"],["(\\d{3})(\\d{4})(\\d{4,5})","$1 $2 $3",["[78]"],"0$1"],["(\\d{3})(\\d{5})(\\d{5,6})","$1 $2 $3",["[78]"],"0$1"]],"0",0,0,0,0,0,[["20(?:[1259]\\d|3[013-9]|4[1-8]|6[024-689]|7[1-79]|8[2-9])\\d{6}",[10]],["(?:702[0-24-9]|819[01])\\d{6}|(?:7(?:0[13-9]|[12]\\d)|8(?:0[1-9]|1[0-8])|9(?:0[1-9]|1[0-6]))\\d{7}",[10]],["800\\d{7,11}"],0,0,0,["700\\d{7,11}"]]]},"nonGeographic":{}}
