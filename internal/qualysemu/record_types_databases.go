package qualysemu

// databaseRecordTypes are the database record types, read independently from
// shared/qualys-api/RECORD_KINDS.md.
var databaseRecordTypes = []*recordType{}
