-- The duplicate check used to find open cases of a category by report time through cases_dup;
-- since 0008 it reads open cases around the point through the GiST index cases_open_point (also
-- when a category is given: the batched check passes the category as a parameter per row), and no
-- other query has its predicate. One index fewer to maintain on every case write.
DROP INDEX IF EXISTS cases_dup;
