// Runtime: service lifecycle, health and metrics HTTP, logging (being written).
