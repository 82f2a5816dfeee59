-- A broadcast may carry a photo: the Telegram file_id of the picture the admin
-- sent, re-sent by id to every recipient (the text becomes its caption).
ALTER TABLE broadcasts ADD COLUMN photo_file_id TEXT CHECK (photo_file_id IS NULL OR length(photo_file_id) BETWEEN 1 AND 256);
