package spec

// databaseRecordKinds are the database record kinds (/api/2.0/fo/auth/<slug>/), written from
// shared/qualys-api/RECORD_KINDS.md.
var databaseRecordKinds = []KindDef{}
