<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>DeepMapper</name>
    <message>
        <source>Cloud and shadow mask</source>
        <translation>Masque de nuages et d'ombres</translation>
    </message>
    <message>
        <source>Image analysis</source>
        <translation>Analyse d'image</translation>
    </message>
    <message>
        <source>Input image</source>
        <translation>Image en entrée</translation>
    </message>
    <message>
        <source>Sensor</source>
        <translation>Capteur</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Processeur</translation>
    </message>
    <message>
        <source>Cloud mask</source>
        <translation>Masque de nuages</translation>
    </message>
    <message>
        <source>Cloud and shadow probabilities</source>
        <translation>Probabilités de nuage et d'ombre</translation>
    </message>
    <message>
        <source>Cloud and shadow polygons</source>
        <translation>Polygones de nuages et d'ombres</translation>
    </message>
    <message>
        <source>Cloud cover (% of valid pixels)</source>
        <translation>Couverture nuageuse (% des pixels valides)</translation>
    </message>
    <message>
        <source>Cloud shadow (% of valid pixels)</source>
        <translation>Ombres de nuages (% des pixels valides)</translation>
    </message>
    <message>
        <source>Number of polygons written</source>
        <translation>Nombre de polygones écrits</translation>
    </message>
    <message>
        <source>Model used</source>
        <translation>Modèle utilisé</translation>
    </message>
    <message>
        <source>Dilate shadows by pixels</source>
        <translation>Dilater les ombres (pixels)</translation>
    </message>
    <message>
        <source>Dilate clouds by pixels (-1: the model's default)</source>
        <translation>Dilater les nuages (pixels ; -1 : valeur du modèle)</translation>
    </message>
    <message>
        <source>Minimum polygon area (map units²)</source>
        <translation>Surface minimale des polygones (unités de carte²)</translation>
    </message>
    <message>
        <source>Scale to reflectance (0: detect)</source>
        <translation>Facteur vers la réflectance (0 : détection)</translation>
    </message>
    <message>
        <source>Offset to reflectance</source>
        <translation>Décalage vers la réflectance</translation>
    </message>
    <message>
        <source>Band mapping (optional, e.g. B2,B3,B4,B8 or blue=1,nir=4)</source>
        <translation>Correspondance des bandes (facultatif, p. ex. B2,B3,B4,B8 ou blue=1,nir=4)</translation>
    </message>
    <message>
        <source>Model id or model card path (empty: best for the bands)</source>
        <translation>Identifiant du modèle ou chemin de sa fiche (vide : le meilleur pour les bandes)</translation>
    </message>
    <message>
        <source>Tile size in pixels (0: the model's own)</source>
        <translation>Taille des tuiles en pixels (0 : celle du modèle)</translation>
    </message>
    <message>
        <source>Tile overlap in pixels (0: the model's margin; never less than it)</source>
        <translation>Recouvrement des tuiles en pixels (0 : la marge du modèle ; jamais moins)</translation>
    </message>
    <message>
        <source>Tiles per batch (0: from free memory)</source>
        <translation>Tuiles par lot (0 : selon la mémoire libre)</translation>
    </message>
    <message>
        <source>&amp;DeepMapper</source>
        <translation>&amp;DeepMapper</translation>
    </message>
    <message>
        <source>Cloud and shadow mask…</source>
        <translation>Masque de nuages et d'ombres…</translation>
    </message>
    <message>
        <source>Check dependencies…</source>
        <translation>Vérifier les dépendances…</translation>
    </message>
    <message>
        <source>DeepMapper dependencies</source>
        <translation>Dépendances de DeepMapper</translation>
    </message>
    <message>
        <source>Missing Python packages: {}. {}</source>
        <translation>Paquets Python manquants : {}. {}</translation>
    </message>
</context>
</TS>
