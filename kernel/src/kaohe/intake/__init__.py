"""Reading and checking the departments' files: the readers, the intake limits, parallel staging, writing a workbook in a department's format (docs/architecture.md)."""
