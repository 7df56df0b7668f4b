//! Report: the Tera context, note.md, note.html, note.pdf and signals.json, written atomically.
//! The only module that writes output.
