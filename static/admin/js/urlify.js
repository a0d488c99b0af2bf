/*
 * The admin's slug helper (prepopulated_fields), replacing Django's own urlify.js:
 * Django maps "đ" to "dj" (Serbian) and drops letters it does not know, so
 * "Định danh" became "djnh-danh". This gives the slug kit/text.py's slugify
 * gives on the server: "Định danh điện tử" → "dinh-danh-dien-tu".
 */
(function (root) {
    'use strict';

    function URLify(s, numChars, allowUnicode) {
        var slug = String(s)
            .replace(/đ/g, 'd')
            .replace(/Đ/g, 'D')
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .toLowerCase();
        slug = slug.replace(allowUnicode ? /[^\p{L}\p{N}]+/gu : /[^a-z0-9]+/g, '-');
        slug = slug.replace(/^-+|-+$/g, '');
        if (numChars && slug.length > numChars) {
            slug = slug.substring(0, numChars).replace(/-+$/, '');
        }
        return slug;
    }

    root.URLify = URLify;
    if (typeof module !== 'undefined' && module.exports) {
        module.exports = URLify;
    }
}(typeof window !== 'undefined' ? window : globalThis));
