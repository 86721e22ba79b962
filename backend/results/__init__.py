"""Electronic results: signed records, QR codes, result PDFs and public verification."""
