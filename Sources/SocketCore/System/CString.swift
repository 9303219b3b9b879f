extension String {
    /// The text of a C character buffer up to its first NUL (the whole
    /// buffer when there is none), as UTF-8 with bad bytes replaced: what
    /// inet_ntop, if_indextoname, getcwd and the like write.
    public init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
