// Package xmltree owns how qsync's Qualys client reads an answer's XML: Parse turns a body into a
// generic tree of Nodes (names, trimmed text, the type attribute, children), so that unknown
// elements, element order, whitespace around CDATA and DOCTYPE lines never matter, and the
// client interprets the tree afterwards. The plain XML Qualys sends is read by a small scanner;
// anything else, malformed or not, by encoding/xml, with the same tree and encoding/xml's error
// messages. A Sink may take elements out while a document is parsed (the records of a list page),
// so a page never exists as one tree. An answer that is not usable XML is a *BodyError, which
// quotes the body only through the client's redacting Quote.
package xmltree
