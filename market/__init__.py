"""Market vendors, their bank accounts and VietQR codes, stall posters."""
