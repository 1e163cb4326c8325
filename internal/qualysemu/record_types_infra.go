package qualysemu

// infraRecordTypes are the record types of network devices, virtualisation, web servers,
// middleware and container platforms, read independently from shared/qualys-api/RECORD_KINDS.md.
var infraRecordTypes = []*recordType{}
