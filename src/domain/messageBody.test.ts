import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlToText, looksLikeHtml, redactSecrets } from './messageBody.js';

describe('looksLikeHtml', () => {
  test('element tags make HTML; comparisons and braces do not', () => {
    assert.equal(looksLikeHtml('Your code is <b>123456</b>'), true);
    assert.equal(looksLikeHtml('Line one<br>line two'), true);
    assert.equal(looksLikeHtml('<a href="https://x.example">go</a>'), true);
    assert.equal(looksLikeHtml('Your verification code is {####}. '), false);
    assert.equal(looksLikeHtml('1 < 2 and 3 > 2'), false);
    assert.equal(looksLikeHtml('<unknown-tag>'), false);
  });
});

describe('htmlToText', () => {
  test('blocks become lines, links keep their target, entities decode', () => {
    assert.equal(htmlToText('<p>Hello bo,</p><p>your code is <b>123456</b> &amp; more&nbsp;text</p>'), 'Hello bo,\nyour code is 123456 & more text');
    assert.equal(htmlToText('Click <a href="https://id.example/confirm?a=1&amp;b=2">Verify Email</a>.'), 'Click Verify Email (https://id.example/confirm?a=1&b=2).');
    assert.equal(htmlToText('<a href=\'https://x.example\'>https://x.example</a>'), 'https://x.example');
    assert.equal(htmlToText('one<br/>two<br>three'), 'one\ntwo\nthree');
    assert.equal(htmlToText('<ul><li>a</li><li>b</li></ul>'), '- a\n- b');
    assert.equal(htmlToText('<style>p{color:red}</style><p>&#72;&#x49; &lt;3</p>'), 'HI <3');
  });
});

describe('redactSecrets', () => {
  test('every occurrence of every secret becomes {####}; longer secrets first', () => {
    assert.equal(redactSecrets('code 123456, again 123456', ['123456']), 'code {####}, again {####}');
    assert.equal(redactSecrets('pw Ab1234567! code 1234567', ['1234567', 'Ab1234567!']), 'pw {####} code {####}');
    assert.equal(redactSecrets('nothing here', ['', '999999']), 'nothing here');
    assert.equal(redactSecrets("a$&b$1 stays", ["$&b$1"]), 'a{####} stays');
  });
});
