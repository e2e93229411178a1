"""Prevention schemes: their sites or areas, start dates and costs, for evaluation."""
