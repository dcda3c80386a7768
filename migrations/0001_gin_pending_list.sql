-- Same result as the generated DROP/CREATE, without rebuilding the index on a large table.
ALTER INDEX "items_search_idx" SET (gin_pending_list_limit = 256);
