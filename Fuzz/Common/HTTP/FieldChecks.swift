// What the HTTP fuzz targets share; tools/fuzz-http compiles this folder
// into the targets that compile the HTTP parsers.

/// Whether every field has a token for a name and a value that may be sent
/// as it is (RFC 9110 section 5), as the parsers promise.
func fieldsPassSyntax(_ fields: HTTPFields) -> Bool {
    fields.entries.allSatisfy { entry in
        FieldSyntax.isToken(fields.storage[entry.name]) && FieldSyntax.isFieldValue(fields.storage[entry.value])
    }
}
