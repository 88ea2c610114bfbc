"""Helper matching: campaign leads, volunteer offers, the optimal matching and the handover."""
